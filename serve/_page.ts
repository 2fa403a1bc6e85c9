/**
 * The live page's files (`page/`), shipped with the package and read once, on
 * first request, from beside this module: from disk where the module is a file
 * (Node, Bun, Deno from npm or a checkout), with `fetch` where it is not (Deno
 * from JSR).
 *
 * @module
 */

/** A page file: its path under `page/` and content type. */
interface PageFile {
  readonly file: string;
  readonly type: string;
}

/** URL paths of the page and their files. */
export const PAGE_FILES: Readonly<Record<string, PageFile>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

const loaded = new Map<string, Promise<Uint8Array>>();

async function read(file: string): Promise<Uint8Array> {
  const url = new URL(`./page/${file}`, import.meta.url);
  if (url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`[serve] cannot load the page file ${file}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * A page response.
 * @param path URL path (`/`, `/app.js`, `/style.css`).
 * @returns The response, or `undefined` for another path.
 */
export async function pageResponse(path: string): Promise<Response | undefined> {
  const f = PAGE_FILES[path];
  if (f === undefined) return undefined;
  let body = loaded.get(f.file);
  if (body === undefined) {
    body = read(f.file);
    loaded.set(f.file, body);
    body.catch(() => loaded.delete(f.file));
  }
  return new Response((await body) as BodyInit, {
    headers: {
      "content-type": f.type,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "content-security-policy":
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'",
    },
  });
}
