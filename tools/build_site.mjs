// `make site`: the shipped site, build/site/, from the readable one, static_site/.
//
// Every .js and .css file is minified on its own with esbuild's transform (no bundling):
// the same file names and the same module graph, so the service workers' file lists
// (app/sw.js, s/sw.js) and the pages' modulepreload lists stay valid as written. Every
// other file (HTML, JSON, images, the manifest) is copied as it is. `make dev`, the
// browser tests and `make deploy` all use build/site/: what is shipped is what is tested.
//
// Incremental: a file is written only when its source is newer than its output (or the
// build's own settings changed, see STAMP); outputs whose source is gone are removed.
// Writes go to a temporary name and are renamed, so a page never reads half a file.
//
//   node tools/build_site.mjs [--source DIR] [--out DIR] [--quiet]

import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Service workers are classic scripts (registered without {type: "module"}): their
// top-level names stay, only the rest is minified. Every other .js file is an ES module.
const CLASSIC_SCRIPTS = new Set(["sw.js"]);

// Comments starting /*! or containing @license / @preserve (licence headers) survive
// where they are, as esbuild keeps them by default; every other comment goes.
// No target: the syntax stays as written (the sources already are what browsers run).
// charset utf8: the pages' words in Slovenian, Finnish and Swedish stay UTF-8 characters
// instead of \u escapes (smaller, and readable in the shipped file).
const JS_OPTIONS = { loader: "js", minify: true, charset: "utf8", legalComments: "inline" };
const CSS_OPTIONS = { loader: "css", minify: true, charset: "utf8", legalComments: "inline" };

function transformOptions(relative) {
  if (relative.endsWith(".css")) return CSS_OPTIONS;
  if (!relative.endsWith(".js")) return null;
  if (CLASSIC_SCRIPTS.has(path.posix.basename(relative))) return JS_OPTIONS;
  // format "esm" lets esbuild rename a module's own top-level names too.
  return { ...JS_OPTIONS, format: "esm" };
}

async function walk(dir, base = dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full, base)));
    else if (entry.isFile()) files.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return files;
}

async function mtime(file) {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return null;
  }
}

// What makes every output stale at once: esbuild's version, the options, this script.
async function settingsStamp() {
  const script = await readFile(fileURLToPath(import.meta.url));
  return createHash("sha256")
    .update(esbuild.version)
    .update(JSON.stringify([JS_OPTIONS, CSS_OPTIONS, [...CLASSIC_SCRIPTS]]))
    .update(script)
    .digest("hex");
}

async function writeAtomically(target, contents) {
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, target);
}

async function copyAtomically(source, target) {
  const temporary = `${target}.${process.pid}.tmp`;
  await copyFile(source, temporary);
  await rename(temporary, target);
}

/** Build `out` from `source`; answers what was written, kept and removed. */
export async function buildSite({ source, out }) {
  const stampFile = `${out}.stamp`;
  const stamp = await settingsStamp();
  const previous = await readFile(stampFile, "utf8").catch(() => "");
  const fresh = previous.trim() !== stamp;
  const files = await walk(source);
  const wanted = new Set(files);
  let written = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  const failures = [];
  await Promise.all(
    files.map(async (relative) => {
      const from = path.join(source, relative);
      const to = path.join(out, relative);
      const options = transformOptions(relative);
      const sourceTime = await mtime(from);
      const outputTime = await mtime(to);
      if (!fresh && outputTime !== null && sourceTime !== null && outputTime >= sourceTime) {
        return;
      }
      await mkdir(path.dirname(to), { recursive: true });
      if (options === null) {
        await copyAtomically(from, to);
      } else {
        const code = await readFile(from, "utf8");
        try {
          const result = await esbuild.transform(code, { ...options, sourcefile: relative });
          await writeAtomically(to, result.code);
          bytesIn += Buffer.byteLength(code);
          bytesOut += Buffer.byteLength(result.code);
        } catch (error) {
          failures.push(`${relative}: ${error.message}`);
          return;
        }
      }
      written += 1;
    }),
  );
  if (failures.length) {
    throw new Error(`the site did not build:\n${failures.join("\n")}`);
  }
  let removed = 0;
  for (const relative of await walk(out).catch(() => [])) {
    if (wanted.has(relative) || relative.endsWith(".tmp")) continue;
    await unlink(path.join(out, relative));
    removed += 1;
  }
  await removeEmptyDirectories(out);
  if (fresh) await writeAtomically(stampFile, `${stamp}\n`);
  return { files: files.length, written, removed, bytesIn, bytesOut };
}

async function removeEmptyDirectories(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    await removeEmptyDirectories(full);
    if ((await readdir(full)).length === 0) await rm(full, { recursive: true });
  }
}

function option(argv, name, fallback) {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] ? path.resolve(argv[at + 1]) : fallback;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const source = option(argv, "--source", path.join(ROOT, "static_site"));
  const out = option(argv, "--out", path.join(ROOT, "build", "site"));
  const started = performance.now();
  try {
    const result = await buildSite({ source, out });
    if (!argv.includes("--quiet")) {
      const ms = Math.round(performance.now() - started);
      const saved = result.bytesIn ? ` (minified ${result.bytesIn} → ${result.bytesOut} bytes)` : "";
      console.log(
        `site: ${path.relative(ROOT, out) || out} — ${result.written} of ${result.files} files written${saved}, ` +
          `${result.removed} removed, ${ms} ms`,
      );
    }
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  }
}
