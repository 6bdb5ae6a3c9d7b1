#!/usr/bin/env bash
# A one-node Slurm on this machine, for scripts/slurm_check.sh: munge and Slurm's two daemons
# (Debian's munge, slurmctld and slurmd, installed by scripts/install.sh), each started unless
# it runs already. Writes /etc/slurm/slurm.conf only where there is none or it is this
# script's own (never over a real cluster's). Root, or sudo.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
conf=/etc/slurm/slurm.conf
marker="# riskmap: a one-node Slurm (scripts/slurm_local.sh)"
if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "slurm_local.sh: $conf is not this script's; using the Slurm it configures"
else
    host=$(hostname -s)
    # Slurm drains a node that claims more memory than it has: leave 1 GiB aside.
    memory=$(($(awk '/^MemTotal/ { print $2 }' /proc/meminfo) / 1024 - 1024))
    # proctrack/linuxproc and task/none: no cgroups needed (containers often lack them); the
    # loopback address: no name resolution needed.
    $SUDO tee "$conf" >/dev/null <<EOF
$marker
ClusterName=riskmap
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
fi
$SUDO mkdir -p /run/munge /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
[ -s /etc/munge/munge.key ] || $SUDO mungekey --create --keyfile=/etc/munge/munge.key
$SUDO chown munge:munge /run/munge /etc/munge/munge.key
$SUDO chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || $SUDO su -s /bin/sh munge -c /usr/sbin/munged
pgrep -x slurmctld >/dev/null || $SUDO slurmctld
pgrep -x slurmd >/dev/null || $SUDO slurmd
for _ in $(seq 60); do
    if sinfo --noheader --states=idle,mixed,allocated 2>/dev/null | grep -q .; then
        echo "slurm_local.sh: one-node Slurm up ($(sinfo --noheader --format='%N %c CPUs %t'))"
        exit 0
    fi
    sleep 1
done
echo "slurm_local.sh: Slurm did not come up; see /var/log/slurm/" >&2
sinfo >&2 || true
exit 1
