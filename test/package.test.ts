import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface NpmExport {
  readonly types?: string;
  readonly default?: string;
  readonly import?: string;
  readonly require?: string;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly type?: string;
  readonly bin?: Readonly<Record<string, string>>;
  readonly exports: Readonly<Record<string, NpmExport | string>>;
  readonly files?: readonly string[];
  readonly engines?: { readonly node?: string };
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly repository?: unknown;
  readonly homepage?: string;
  readonly bugs?: unknown;
}

interface DenoJson {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly exports: Readonly<Record<string, string>>;
  readonly imports?: Readonly<Record<string, string>>;
  readonly publish?: { readonly include?: readonly string[] };
}

const root = new URL("../", import.meta.url);

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, root), "utf8")) as T;
}

function exists(path: string): boolean {
  return existsSync(new URL(path, root));
}

/** `./x/y.ts` → the paths tsc (rootDir ".", outDir "dist") writes for it. */
function distOf(source: string): { js: string; dts: string } {
  const stem = source.replace(/^\.\//, "").replace(/\.ts$/, "");
  return { js: `./dist/${stem}.js`, dts: `./dist/${stem}.d.ts` };
}

const pkg = readJson<PackageJson>("package.json");
const deno = readJson<DenoJson>("deno.json");

describe("deno.json and package.json", () => {
  it("name the same package on JSR and npm", () => {
    expect(deno.name).toMatch(/^@[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(deno.name.split("/")[1]).toBe(pkg.name);
    expect(deno.name).toBe("@tickwire/tickwire");
    expect(pkg.name).toBe("tickwire");
  });

  it("carry the same version and license", () => {
    expect(deno.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(pkg.version).toBe(deno.version);
    expect(pkg.license).toBe(deno.license);
  });

  it("export the root entry point from mod.ts", () => {
    expect(deno.exports["."]).toBe("./mod.ts");
    expect(pkg.exports["."]).toEqual({
      "tickwire-source": "./mod.ts",
      types: "./dist/mod.d.ts",
      default: "./dist/mod.js",
    });
  });

  it("expose the same subpaths, apart from npm's ./package.json", () => {
    const npmKeys = Object.keys(pkg.exports).filter((key) => key !== "./package.json").sort();
    expect(npmKeys).toEqual(Object.keys(deno.exports).sort());
  });

  it("map every JSR source file to its built file and declarations on npm, types first", () => {
    for (const [key, source] of Object.entries(deno.exports)) {
      expect(source, `deno.json export ${key}`).toMatch(/^\.\/.+\.ts$/);
      const want = distOf(source);
      const entry = pkg.exports[key];
      // The source for this repository's own tools, then types before the runtime file.
      expect(entry, `package.json export ${key}`).toEqual({
        "tickwire-source": source,
        types: want.dts,
        default: want.js,
      });
      expect(Object.keys(entry as NpmExport), `package.json export ${key}`).toEqual([
        "tickwire-source",
        "types",
        "default",
      ]);
    }
  });

  it("point every export and the CLI at source files that exist", () => {
    const sources = Object.values(deno.exports);
    for (const target of Object.values(pkg.bin ?? {})) {
      expect(target).toMatch(/^\.\/dist\/.+\.js$/);
      sources.push(target.replace(/^\.\/dist\//, "./").replace(/\.js$/, ".ts"));
    }
    const missing = sources.filter((source) => !exists(source));
    expect(missing).toEqual([]);
  });

  it("describe an ESM-only npm package", () => {
    expect(pkg.type).toBe("module");
    for (const entry of Object.values(pkg.exports)) {
      if (typeof entry === "object") expect(entry).not.toHaveProperty("require");
    }
  });
});

describe("the published packages", () => {
  it("resolve every dependency and peer through deno.json's imports, subpaths too", () => {
    const needed = { ...pkg.dependencies, ...pkg.peerDependencies };
    const imports = deno.imports ?? {};
    for (const name of Object.keys(needed)) {
      expect(imports[name], name).toMatch(new RegExp(`^npm:${name}@`));
      expect(imports[`${name}/`], `${name}/`).toMatch(new RegExp(`^npm:/${name}@.+/$`));
    }
    const bare = Object.keys(imports).filter((k) => !k.startsWith("#"));
    expect(bare.map((k) => k.replace(/\/$/, "")).filter((k) => !(k in needed))).toEqual([]);
  });

  it("install the emulator's broker only on request (optional peer)", () => {
    // ws stays a dependency: `tickwire serve` on Node speaks WebSocket through
    // it, and mqtt (a dependency) installs it anyway, so an optional peer would
    // save nothing and leave serve's import to hoisting luck.
    expect(pkg.dependencies ?? {}).toHaveProperty("ws");
    for (const name of ["aedes"]) {
      expect(pkg.dependencies ?? {}).not.toHaveProperty(name);
      expect(pkg.peerDependencies ?? {}).toHaveProperty(name);
    }
  });

  it("name the repository, the home page and where to report bugs", () => {
    expect(pkg.repository).toBeTruthy();
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs).toBeTruthy();
  });

  it("state the supported Node versions in engines and in the README", () => {
    expect(pkg.engines?.node).toBe(">=22");
    const readme = readFileSync(new URL("README.md", root), "utf8");
    expect(readme).toMatch(/\| Node 22, 24, 26 \|/);
    expect(readme).toContain("Node 22 or later");
  });

  it("ship every file the README links to, on npm and on JSR", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    const links = [...readme.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]!)
      .filter((href) => !/^[a-z]+:/.test(href));
    expect(links.length).toBeGreaterThan(0);
    const globToRegExp = (glob: string): RegExp =>
      new RegExp(
        `^${
          glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\//g, "(.*/)?").replace(
            /\*/g,
            "[^/]*",
          )
        }$`,
      );
    const include = (deno.publish?.include ?? []).map(globToRegExp);
    for (const link of links) {
      expect(exists(link), link).toBe(true);
      expect(pkg.files ?? [], `package.json files: ${link}`).toContain(link);
      expect(include.some((re) => re.test(link)), `deno.json publish.include: ${link}`).toBe(true);
    }
  });
});
