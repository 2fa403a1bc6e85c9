// A slow reader at the end of a real pipe: reads standard input 4 KiB at a time,
// pausing 2 ms after each read, so the writer's pipe stays full; then prints the
// number of lines, and of lines that are not JSON, as one JSON object.
import { readSync } from "node:fs";

const buf = new Uint8Array(4096);
const pause = new Int32Array(new SharedArrayBuffer(4));
const decoder = new TextDecoder();
let text = "";
let lines = 0;
let notJson = 0;
for (;;) {
  let n;
  try {
    n = readSync(0, buf, 0, buf.length, null);
  } catch (e) {
    if (e.code === "EAGAIN") n = -1;
    else throw e;
  }
  if (n === 0) break;
  if (n > 0) {
    text += decoder.decode(buf.subarray(0, n), { stream: true });
    let nl;
    while ((nl = text.indexOf("\n")) >= 0) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      lines++;
      try {
        JSON.parse(line);
      } catch {
        notJson++;
      }
    }
  }
  Atomics.wait(pause, 0, 0, 2);
}
console.log(JSON.stringify({ lines, notJson, rest: text.length }));
