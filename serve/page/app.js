// The live page of `tickwire serve`: plain DOM, one WebSocket, no build step.
// Subscribes to every symbol's quote, info and trade, and to the book of the
// symbol clicked; polls /health; reconnects by itself with a capped backoff.

const PROTOCOL_PREFIX = "tickwire.bearer.";
const $ = (id) => document.getElementById(id);
const rows = new Map(); // symbol -> { tr, cells, quote, info, trade, at }
let selected;
let socket;
let attempt = 0;
let received = 0;
let token = sessionStorage.getItem("tickwire.token") ?? undefined;
let channels = ["quote", "book", "trade", "info"];

const fmt = (n) => (n === undefined || n === 0 ? "-" : n.toFixed(2));

function authHeaders() {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

function row(symbol) {
  let r = rows.get(symbol);
  if (r !== undefined) return r;
  const tr = document.createElement("tr");
  tr.dataset.symbol = symbol;
  const cells = {};
  for (const name of ["symbol", "bid", "ask", "last", "change", "age"]) {
    const td = document.createElement("td");
    td.className = name;
    tr.append(td);
    cells[name] = td;
  }
  cells.symbol.textContent = symbol;
  tr.addEventListener("click", () => select(symbol));
  const body = $("quotes").tBodies[0];
  const after = [...body.rows].find((x) => x.dataset.symbol > symbol);
  body.insertBefore(tr, after ?? null);
  r = { tr, cells, at: 0 };
  rows.set(symbol, r);
  return r;
}

function setCell(td, text, cls) {
  if (td.textContent !== text) {
    td.textContent = text;
    td.classList.add("flash");
    setTimeout(() => td.classList.remove("flash"), 150);
  }
  if (cls !== undefined) {
    td.classList.toggle("up", cls === "up");
    td.classList.toggle("down", cls === "down");
  }
}

function onMarket(ev) {
  const r = row(ev.symbol);
  r.at = ev.recvTs;
  switch (ev.type) {
    case "quote":
      setCell(r.cells.bid, fmt(ev.bid));
      setCell(r.cells.ask, fmt(ev.ask));
      break;
    case "info":
      setCell(r.cells.last, fmt(ev.last));
      setCell(
        r.cells.change,
        `${ev.change > 0 ? "+" : ""}${ev.change.toFixed(2)}`,
        ev.change > 0 ? "up" : ev.change < 0 ? "down" : "",
      );
      break;
    case "trade":
      setCell(r.cells.last, fmt(ev.price));
      break;
    case "book":
      if (ev.symbol === selected) ladder(ev);
      break;
  }
}

function ladder(book) {
  const body = $("ladder").tBodies[0];
  while (body.rows.length < 10) {
    const tr = body.insertRow();
    for (const cls of ["bidsize", "bid", "ask", "asksize"]) tr.insertCell().className = cls;
  }
  for (let i = 0; i < 10; i++) {
    const b = book.bids[i] ?? { price: 0, size: 0 };
    const a = book.asks[i] ?? { price: 0, size: 0 };
    const c = body.rows[i].cells;
    c[0].textContent = b.size ? b.size.toLocaleString("en") : "";
    c[1].textContent = b.price ? b.price.toFixed(2) : "";
    c[2].textContent = a.price ? a.price.toFixed(2) : "";
    c[3].textContent = a.size ? a.size.toLocaleString("en") : "";
  }
}

function send(msg) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
}

function select(symbol) {
  if (selected !== undefined) {
    rows.get(selected)?.tr.classList.remove("selected");
    send({ op: "unsubscribe", symbols: [selected], channels: ["book"] });
  }
  selected = symbol;
  rows.get(symbol)?.tr.classList.add("selected");
  $("ladder-symbol").textContent = symbol;
  $("ladder").tBodies[0].replaceChildren();
  if (channels.includes("book")) send({ op: "subscribe", symbols: [symbol], channels: ["book"] });
}

function setConn(text, up) {
  $("conn").textContent = text;
  $("conn").className = up ? "up" : "down";
}

function connect() {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  socket = new WebSocket(url, token === undefined ? [] : ["tickwire", PROTOCOL_PREFIX + token]);
  setConn(attempt === 0 ? "connecting" : `reconnecting (attempt ${attempt})`, false);
  socket.onmessage = (e) => {
    received++;
    const m = JSON.parse(e.data);
    switch (m.type) {
      case "hello":
        $("source").textContent = m.source;
        channels = m.channels;
        send({
          op: "subscribe",
          symbols: ["*"],
          channels: ["quote", "info", "trade"].filter((c) => channels.includes(c)),
        });
        if (selected !== undefined) select(selected);
        break;
      case "status":
        if (m.kind === "mode") $("mode").textContent = m.mode;
        if (m.kind === "connected" || m.kind === "disconnected") refreshHealth();
        break;
      case "ack":
      case "pong":
        break;
      case "error":
        console.warn("tickwire:", m.message);
        break;
      default:
        onMarket(m);
    }
  };
  socket.onopen = () => {
    attempt = 0;
    setConn("connected", true);
  };
  socket.onclose = (e) => {
    attempt++;
    const delay = Math.min(5_000, 250 * 2 ** Math.min(attempt, 5));
    setConn(
      `disconnected (${e.code}${e.reason ? ` ${e.reason}` : ""}); retry in ${delay / 1000} s`,
      false,
    );
    setTimeout(connect, delay);
  };
}

async function refreshHealth() {
  try {
    const res = await fetch("/health", { headers: authHeaders(), cache: "no-store" });
    if (res.status === 401) {
      $("tokenform").hidden = false;
      $("health").textContent = "token required";
      return;
    }
    const h = await res.json();
    $("health").textContent = h.status + (h.reason ? ` (${h.reason})` : "");
    $("health").className = res.ok ? "up" : "down";
    $("mode").textContent = h.mode;
    $("epoch").textContent = String(h.epoch);
    $("feedrate").textContent = String(Math.round(h.eventsPerSec));
    for (const s of h.staleSymbols ?? []) rows.get(s)?.cells.age.classList.add("stale");
  } catch {
    $("health").textContent = "unreachable";
    $("health").className = "down";
  }
}

function tick() {
  const now = Date.now();
  for (const r of rows.values()) {
    if (r.at > 0) r.cells.age.textContent = `${Math.max(0, (now - r.at) / 1000).toFixed(1)} s`;
  }
}

$("tokenform").addEventListener("submit", (e) => {
  e.preventDefault();
  token = $("token").value.trim() || undefined;
  if (token !== undefined) sessionStorage.setItem("tickwire.token", token);
  $("tokenform").hidden = true;
  socket?.close();
  refreshHealth();
});

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  $("rate").textContent = String(Math.round((received * 1000) / (now - last)));
  received = 0;
  last = now;
}, 1_000);
setInterval(tick, 250);
setInterval(refreshHealth, 2_000);
refreshHealth();
connect();
