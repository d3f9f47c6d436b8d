// Build the browser bundles: one ES-module file per entry in web/static/dist/,
// byte for byte reproducible from the lockfile (tests/test_bundles_reproducible.py).
//
//   node web/js/build.mjs [--static-root DIR]     (npm run build)
//
// Writes DIR/dist/<entry>.js, DIR/dist/LICENSES.txt, DIR/dist/manifest.json
// (sha256 and sha384 of every file, for SRI) and DIR/selftest.html.
// DIR defaults to web/static.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

// Add page entries here: web/js/<name>.js becomes dist/<name>.js.
export const ENTRIES = [
  "selftest",
  // The reporter's pages (web/templates/report.html, check.html).
  "submit",
  "status",
  // The staff console's quick acknowledgements (web/templates/console/case.html).
  "console",
  // Argon2id workers; derive.js loads them as new URL("./<name>.js", import.meta.url).
  "argon2-sodium",
  "argon2-noble",
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const sha = (alg, data) => createHash(alg).update(data).digest("base64");

function packageOf(inputPath) {
  // "node_modules/@scope/name/..." or "node_modules/name/..." -> package dir
  const parts = inputPath.split("/");
  const i = parts.lastIndexOf("node_modules");
  if (i < 0) return null;
  const n = parts[i + 1].startsWith("@") ? 2 : 1;
  return parts.slice(0, i + 1 + n).join("/");
}

function packageInfo(dir) {
  const pkg = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
  return { dir, name: pkg.name, version: pkg.version, license: pkg.license };
}

async function build(staticRoot) {
  const outdir = join(staticRoot, "dist");
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES.map((name) => ({ in: `web/js/${name}.js`, out: name })),
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    splitting: false,
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    legalComments: "eof",
    charset: "ascii",
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: "warning",
    // libsodium.js falls back to require("crypto") only where crypto.getRandomValues is missing.
    external: ["crypto"],
  });

  mkdirSync(outdir, { recursive: true });
  const files = new Map();
  const allPackages = new Map();
  for (const out of result.outputFiles) {
    const rel = relative(ROOT, out.path).split("\\").join("/");
    const meta = Object.entries(result.metafile.outputs).find(([p]) => resolve(ROOT, p) === out.path)[1];
    const pkgs = new Map();
    for (const input of Object.keys(meta.inputs)) {
      const dir = packageOf(input);
      if (dir && !pkgs.has(dir)) pkgs.set(dir, packageInfo(dir));
    }
    const listed = [...pkgs.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const p of listed) allPackages.set(p.name, p);
    const banner =
      `/*! Peluit: ${rel.split("/").pop()}, bundled by esbuild ${esbuild.version} from web/js/${meta.entryPoint.split("/").pop()}.\n` +
      (listed.length
        ? ` * Third-party code: ${listed.map((p) => `${p.name} ${p.version} (${p.license})`).join(", ")}.\n` +
          " * Licence texts: LICENSES.txt next to this file.\n"
        : "") +
      " */\n";
    files.set(rel.split("/").pop(), Buffer.concat([Buffer.from(banner, "ascii"), Buffer.from(out.contents)]));
  }

  const licences = [...allPackages.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => `${p.name} ${p.version} (${p.license})\n${"=".repeat(60)}\n\n${readFileSync(join(ROOT, p.dir, "LICENSE"), "utf8").trim()}\n`)
    .join("\n\n");
  files.set("LICENSES.txt", Buffer.from("Third-party code bundled into Peluit's browser files.\n\n" + licences, "utf8"));

  const manifest = { format: "peluit-asset-manifest", version: 1, files: {} };
  for (const name of [...files.keys()].sort()) {
    const data = files.get(name);
    writeFileSync(join(outdir, name), data);
    manifest.files[name] = { size: data.length, sha256: sha("sha256", data), sha384: sha("sha384", data), integrity: `sha384-${sha("sha384", data)}` };
  }
  writeFileSync(join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

  const page = readFileSync(join(ROOT, "web/js/selftest.html.in"), "utf8")
    .replace("@SELFTEST_INTEGRITY@", manifest.files["selftest.js"].integrity);
  writeFileSync(join(staticRoot, "selftest.html"), page);
  return manifest;
}

const staticRoot = resolve(option("--static-root", join(ROOT, "web/static")));
const manifest = await build(staticRoot);
for (const [name, f] of Object.entries(manifest.files)) console.log(`${name}\t${f.size}\t${f.integrity}`);
