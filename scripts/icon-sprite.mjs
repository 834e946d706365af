// Builds one SVG sprite of the Bootstrap Icons the pages use: `node scripts/icon-sprite.mjs LIST OUT`.
// Each icon listed in LIST (one name a line, # comments) becomes <symbol id="name" viewBox="0 0 16 16">, which a page
// draws with <svg><use href="sprite.svg#name"/></svg> ({% icon %}): one cached file instead of paths in every page.
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const [list, out] = process.argv.slice(2);
const names = readFileSync(list, "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

const symbols = names.map((name) => {
  if (!/^[a-z0-9-]+$/.test(name)) {
    throw new Error(`Not an icon name: ${name}`);
  }
  const svg = readFileSync(`node_modules/bootstrap-icons/icons/${name}.svg`, "utf8");
  const viewBox = /viewBox="([^"]+)"/.exec(svg)[1];
  const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, "").replace(/<\/svg>\s*$/, "").replace(/>\s+</g, "><").trim();
  return `<symbol id="${name}" viewBox="${viewBox}">${inner}</symbol>`;
});

const sprite = `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join("")}</svg>\n`;
if (!existsSync(out) || readFileSync(out, "utf8") !== sprite) {
  writeFileSync(out, sprite);
}
