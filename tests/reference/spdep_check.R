# Cross-check of riskmap's village statistics against R's spdep (the reference implementation
# DESIGN.md names): queen neighbours (poly2nb), global EB (EBest, Poisson and binomial) and
# local EB (EBlocal, geoda = TRUE). Reads a riskmap output folder whose run had the indicators
# `pois` (model = poisson) and `binom` (model = binomial) on the same counts.
# Usage: Rscript spdep_check.R OUTPUT_DIR ; prints one line per check, exits 1 on a mismatch.
suppressMessages({
    library(sf)
    library(spdep)
})
out <- commandArgs(trailingOnly = TRUE)[1]
v <- st_read(file.path(out, "villages.gpkg"), quiet = TRUE)
v <- v[order(v$code), ]
failed <- FALSE
report <- function(name, ok, detail) {
    cat(sprintf("%s %s: %s\n", if (ok) "OK  " else "FAIL", name, detail))
    if (!ok) failed <<- TRUE
}

# Queen neighbours: spdep's lists against riskmap's GAL file, compared by village code.
nb <- poly2nb(v, queen = TRUE)
theirs <- lapply(nb, function(ids) sort(v$code[ids[ids > 0]]))
names(theirs) <- v$code
gal <- readLines(file.path(out, "villages.gal"))[-1]
ours <- list()
for (i in seq(1, length(gal), by = 2)) {
    head <- strsplit(gal[i], " ")[[1]]
    ids <- if (as.integer(head[2]) > 0) strsplit(gal[i + 1], " ")[[1]] else character(0)
    ours[[head[1]]] <- sort(ids)
}
differ <- sum(!mapply(identical, theirs[v$code], ours[v$code]))
report("poly2nb(queen = TRUE)", differ == 0,
       sprintf("%d villages, %d links, %d lists differ", nrow(v), sum(card(nb)), differ))

close_enough <- function(name, a, b) {
    d <- max(abs(a - b) / pmax(abs(a), 1e-12))
    report(name, is.finite(d) && d < 1e-9, sprintf("max relative difference %.3g", d))
}
close_enough("EBest (Poisson)", EBest(v$pois_num, v$pois_den)$estmm, v$pois_eb)
close_enough("EBest (binomial)", EBest(v$binom_num, v$binom_den, family = "binomial")$estmm,
             v$binom_eb)
close_enough("EBlocal (geoda = TRUE)", EBlocal(v$pois_num, v$pois_den, nb, geoda = TRUE)$est,
             v$pois_ebl)
quit(status = if (failed) 1 else 0)
