// Which dependencies of the apps resolve (run inside an image with node).
// argv: PATHS (newline-separated folders; each with a package.json is an app), TARGETS (empty to
// find them in the original image, else "dir<TAB>dependency<TAB>how" lines). Prints
// "node<TAB>dir<TAB>dependency<TAB>ok|fail<TAB>how". A production dependency ("require") must
// resolve as the app's require() would; a dev dependency the start script runs ("start", by
// package or program name) must be in the app's node_modules, where npm finds its program.
const fs = require("fs");
const path = require("path");

function readJson(file) {
  try { return JSON.parse(fs.readFileSync(file, "utf8")); } catch (error) { return null; }
}

function installed(dir, dep) {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, "node_modules", dep, "package.json"))) return true;
    if (path.dirname(at) === at) return false;
  }
}

function resolves(dir, dep) {
  try { require.resolve(dep, { paths: [dir] }); return true; } catch (error) { return installed(dir, dep); }
}

function startNeeds(dir, pkg, dep) {
  const start = (pkg.scripts && pkg.scripts.start) || "";
  const words = start.split(/[\s;&|()]+/);
  if (words.includes(dep)) return true;
  const meta = readJson(path.join(dir, "node_modules", dep, "package.json")) || {};
  const bins = typeof meta.bin === "string" ? [meta.name] : Object.keys(meta.bin || {});
  return bins.some((bin) => words.includes(bin));
}

function discover(paths) {
  const found = [];
  for (const dir of paths) {
    const pkg = readJson(path.join(dir, "package.json"));
    if (!pkg) continue;
    for (const dep of Object.keys(pkg.dependencies || {})) found.push([dir, dep, "require"]);
    for (const dep of Object.keys(pkg.devDependencies || {})) {
      if (startNeeds(dir, pkg, dep)) found.push([dir, dep, "start"]);
    }
  }
  return found;
}

const paths = (process.argv[1] || "").split("\n").filter(Boolean);
const given = (process.argv[2] || "").split("\n").filter((line) => line.includes("\t"));
const targets = given.length ? given.map((line) => line.split("\t")) : discover(paths);
const out = targets.map(([dir, dep, how]) => {
  const ok = how === "start" ? installed(dir, dep) : resolves(dir, dep);
  return ["node", dir, dep, ok ? "ok" : "fail", how].join("\t");
});
process.stdout.write(out.map((line) => line + "\n").join(""));
