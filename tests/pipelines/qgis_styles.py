"""Opens a riskmap output folder in QGIS itself (headless, Debian's python3-qgis) and checks
what a planner sees: every map's legend lists labelled classes with units (not QGIS's
unlabelled continuous bar), rate legends mark the target, and the village layer opens
styled by priority class with readable column names. Draws the legends of all maps into
one PNG to look at.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_styles.py OUTPUT_DIR LEGEND_PNG
Prints FAIL lines and exits 1 on any problem.
"""
import pathlib
import re
import sys

from qgis.core import (QgsApplication, QgsColorRampLegendNode, QgsDefaultRasterLayerLegend,
                       QgsLayerTreeLayer, QgsLayerTreeModel, QgsLegendRenderer,
                       QgsLegendSettings, QgsProject, QgsRasterLayer, QgsRenderContext,
                       QgsVectorLayer)
from qgis.PyQt.QtGui import QColor, QImage, QPainter

out, legend_png = pathlib.Path(sys.argv[1]), sys.argv[2]
app = QgsApplication([], False)
app.initQgis()
failures = []


def fail(what):
    failures.append(what)
    print("FAIL", what)


def raster_legend(path):
    # The constructor loads NAME.qml beside NAME.tif as the default style, as QGIS does.
    layer = QgsRasterLayer(str(path), path.stem)
    if not layer.isValid():
        fail(f"{path.name}: QGIS cannot open it")
        return None, []
    nodes = QgsDefaultRasterLayerLegend(layer).createLayerTreeModelLegendNodes(
        QgsLayerTreeLayer(layer))
    if any(isinstance(n, QgsColorRampLegendNode) for n in nodes):
        fail(f"{path.name}: QGIS draws a continuous bar with the raw ends, not the labels")
    labels = [n.data(0) for n in nodes[1:]]  # the first node is the band's name
    return layer, labels


layers = []
for tif in sorted(out.glob("*.tif")):
    if not tif.with_suffix(".qml").exists():
        fail(f"{tif.name}: no .qml beside it")
        continue
    layer, labels = raster_legend(tif)
    if layer is None:
        continue
    layers.append(layer)
    if len(labels) < 2:
        fail(f"{tif.name}: legend has {len(labels)} entries: {labels}")
    for label in labels:
        # A bare number ("0.16") says nothing; every entry needs words or a unit.
        if not label or re.fullmatch(r"[-+0-9.,e ]*", label):
            fail(f"{tif.name}: legend entry '{label}' has no unit or words")
    if tif.stem.endswith(("_rate", "_mean", "_lo", "_hi")):
        if not any("(target)" in label for label in labels):
            fail(f"{tif.name}: the target is not in the legend {labels}")
    print(tif.name, "|", " / ".join(labels))

villages = QgsVectorLayer(str(out / "villages.gpkg") + "|layername=villages", "villages", "ogr")
if not villages.isValid():
    fail("villages.gpkg: QGIS cannot open it")
else:
    renderer = villages.renderer()
    if renderer.type() != "categorizedSymbol" or renderer.classAttribute() != "priority_class":
        fail(f"villages.gpkg: default style is {renderer.type()}, not the priority classes")
    else:
        labels = [c.label() for c in renderer.categories()]
        if labels[:5] not in (["1 highest", "2 high", "3 medium", "4 low", "5 lowest"],
                              ["1 tertinggi", "2 tinggi", "3 sedang", "4 rendah", "5 terendah"]):
            fail(f"villages.gpkg: classes {labels}")
        if any(c.symbol().color().alpha() == 255 for c in renderer.categories()):
            fail("villages.gpkg: an opaque fill hides the maps below")
    fields = villages.fields()
    unnamed = [f.name() for f in fields
               if f.name() != "fid" and villages.attributeDisplayName(fields.indexOf(f.name()))
               == f.name()]
    if unnamed:
        fail(f"villages.gpkg: columns without a readable name: {unnamed}")
    print("villages.gpkg |", villages.attributeDisplayName(fields.indexOf("stunting_ebl")))
    layers.insert(0, villages)

# All legends in one picture, drawn by QGIS's own legend renderer (as in a print layout).
project = QgsProject.instance()
for layer in layers:
    project.addMapLayer(layer)
settings = QgsLegendSettings()
settings.setTitle(out.name)
model = QgsLayerTreeModel(project.layerTreeRoot())  # kept alive: the renderer only points to it
renderer = QgsLegendRenderer(model, settings)
size = renderer.minimumSize()
px_per_mm = 3
image = QImage(int(size.width() * px_per_mm) + 1, int(size.height() * px_per_mm) + 1,
               QImage.Format_ARGB32)
image.fill(QColor("white"))
painter = QPainter(image)
painter.scale(px_per_mm, px_per_mm)
context = QgsRenderContext.fromQPainter(painter)
context.setFlag(QgsRenderContext.Antialiasing, True)
renderer.drawLegend(context)
painter.end()
if not image.save(legend_png):
    fail(f"cannot draw the legends into {legend_png}")
app.exitQgis()
sys.exit(1 if failures else 0)
