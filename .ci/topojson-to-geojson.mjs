// Turns one object of a TopoJSON topology into a GeoJSON FeatureCollection:
//   node .ci/topojson-to-geojson.mjs <topology.json> <object name> <out.geojson>
// Arcs are delta-encoded and quantized (transform: scale, translate); an arc index i < 0
// means arc ~i reversed; consecutive arcs of a ring share their joining point.
import { readFileSync, writeFileSync } from "node:fs";

const [input, name, output] = process.argv.slice(2);
const topo = JSON.parse(readFileSync(input, "utf8"));
const object = topo.objects[name];
if (!object) {
  console.error(`no object "${name}" in ${input}; it has ${Object.keys(topo.objects).join(", ")}`);
  process.exit(1);
}
const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];
const round = (v) => Math.round(v * 1e4) / 1e4;
const arcs = topo.arcs.map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    if (topo.transform) {
      x += dx;
      y += dy;
      return [round(x * sx + tx), round(y * sy + ty)];
    }
    return [dx, dy];
  });
});
const line = (indices) => {
  const points = [];
  for (const i of indices) {
    const arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    arc.forEach((p, k) => {
      if (k > 0 || points.length === 0) points.push(p);
    });
  }
  return points;
};
const geometry = (g) => {
  switch (g.type) {
    case "LineString":
      return { type: g.type, coordinates: line(g.arcs) };
    case "MultiLineString":
    case "Polygon":
      return { type: g.type, coordinates: g.arcs.map(line) };
    case "MultiPolygon":
      return { type: g.type, coordinates: g.arcs.map((p) => p.map(line)) };
    default:
      return null;
  }
};
const members = object.type === "GeometryCollection" ? object.geometries : [object];
const features = members
  .map((g) => ({ type: "Feature", properties: g.properties || {}, geometry: geometry(g) }))
  .filter((f) => f.geometry);
writeFileSync(output, JSON.stringify({ type: "FeatureCollection", features }));
console.log(`${output}: ${features.length} features`);
