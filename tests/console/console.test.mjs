// The web console in a real browser: Debian's chromium driven by playwright-core, against a real
// `facectl serve`. Run by scripts/test_console.sh (which installs both); standalone:
//   FACECTL_BIN=... FACECTL_MODEL_DIR=... CHROMIUM=$(command -v chromium) node tests/console/console.test.mjs
// SCREENSHOT=path.png also saves the "Who is this?" page with two names on it.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(process.env.PLAYWRIGHT_CORE_DIR ? path.join(process.env.PLAYWRIGHT_CORE_DIR, "x.js") : import.meta.url);
const { chromium } = require("playwright-core");

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const example = (name) => path.join(repo, "examples", "images", name);
const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

function startServe() {
  const home = mkdtempSync(path.join(tmpdir(), "facectl-console-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("FACECTL_") && !k.startsWith("AWS_")));
  Object.assign(env, { HOME: home, XDG_DATA_HOME: path.join(home, "data"), XDG_CONFIG_HOME: path.join(home, "config"), FACECTL_MODEL_DIR: need("FACECTL_MODEL_DIR"), NO_COLOR: "1" });
  const proc = spawn(need("FACECTL_BIN"), ["serve", "--listen", "127.0.0.1:0", "--in-memory"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => { log += d; });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("facectl serve did not print its URL in 120 s:\n" + log)), 120000);
    proc.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n") && line.startsWith("http://")) {
        clearTimeout(timer);
        resolve({ url: line.trim(), proc, home, log: () => log });
      }
    });
    proc.on("exit", (code) => reject(new Error(`facectl serve exited with ${code}:\n${log}`)));
  });
}

let failures = 0;
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

const server = await startServe();
const browser = await chromium.launch({ executablePath: need("CHROMIUM"), args: ["--no-sandbox", "--disable-dev-shm-usage"] });
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
const timeout = 90000;

async function register(name, ...photos) {
  await page.goto(server.url + "/console/#/register");
  await page.fill("#reg-name", name);
  await page.setInputFiles("#reg-files", photos.map(example));
  await page.click("#reg-submit");
  await page.waitForSelector("#alert:not([hidden])", { timeout });
  const text = await page.textContent("#alert");
  assert(text.includes(`${name} is registered`), `registering ${name}: ${text}`);
}

async function identify(file) {
  await page.goto(server.url + "/console/#/who");
  await page.setInputFiles("#who-file", file);
  await page.waitForFunction(() => !document.getElementById("who-result").hidden || !document.getElementById("alert").hidden, null, { timeout });
  const alert = await page.$eval("#alert", (a) => (a.hidden ? null : a.textContent));
  const boxes = await page.$$eval(".box", (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { name: e.dataset.name, unknown: e.classList.contains("unknown"), x: r.x + r.width / 2, label: e.textContent, visible: r.width > 4 && r.height > 4 };
  }));
  boxes.sort((a, b) => a.x - b.x);
  return { alert, boxes };
}

try {
  await step("the console loads from the server's own address", async () => {
    await page.goto(server.url + "/");
    assert(page.url().endsWith("/console/"), `landed on ${page.url()}`);
    assert((await page.title()) === "facectl console", await page.title());
  });
  await step("register two people from real photos", async () => {
    await register("Joe Biden", "biden.jpg");
    await register("Barack Obama", "obama.jpg", "obama2.jpg");
  });
  await step("two_people.jpg shows both names, each on the right face", async () => {
    const { alert, boxes } = await identify(example("two_people.jpg"));
    assert(!alert, `error shown: ${alert}`);
    assert(boxes.length === 2, `boxes: ${JSON.stringify(boxes)}`);
    assert(boxes.every((b) => b.visible), `a box is not drawn: ${JSON.stringify(boxes)}`);
    assert(boxes[0].name === "Barack Obama" && boxes[1].name === "Joe Biden", `left to right: ${boxes.map((b) => b.name)}`);
    assert(boxes[0].label.startsWith("Barack Obama") && boxes[1].label.startsWith("Joe Biden"), `labels: ${boxes.map((b) => b.label)}`);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  });
  await step("a stranger shows unknown", async () => {
    const { alert, boxes } = await identify(example("grace_hopper.jpg"));
    assert(!alert, `error shown: ${alert}`);
    assert(boxes.length === 1 && boxes[0].unknown && boxes[0].label === "unknown", JSON.stringify(boxes));
  });
  await step("a corrupt file shows a clear error naming it", async () => {
    const bad = path.join(server.home, "holiday.jpg");
    writeFileSync(bad, "this is not a photo at all");
    const { alert } = await identify(bad);
    assert(alert && alert.includes("holiday.jpg") && /unsupported|unrecognised|corrupt/.test(alert), `alert: ${alert}`);
    assert(await page.$eval("#who-result", (r) => r.hidden), "a result is shown for a corrupt file");
  });
  await step("the people page lists both with thumbnails", async () => {
    await page.goto(server.url + "/console/#/people");
    await page.waitForSelector("[data-testid=person-card]", { timeout });
    const cards = await page.$$eval("[data-testid=person-card]", (els) => els.map((e) => e.querySelector(".name").textContent));
    assert(JSON.stringify(cards) === JSON.stringify(["Barack Obama", "Joe Biden"]), JSON.stringify(cards));
    await page.waitForFunction(() => [...document.querySelectorAll(".card > img")].every((i) => i.complete && i.naturalWidth > 0), null, { timeout });
  });
  await step("delete a person (with confirmation) and they are no longer found", async () => {
    const card = page.locator("[data-testid=person-card]", { hasText: "Joe Biden" });
    await card.locator("button").click();
    await page.waitForSelector("#confirm[open]");
    assert((await page.textContent("#confirm-text")).includes("Joe Biden"), "the confirmation does not name the person");
    await page.click("#confirm-cancel");
    assert((await page.locator("[data-testid=person-card]").count()) === 2, "cancel deleted anyway");
    await card.locator("button").click();
    await page.click("#confirm-ok");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=person-card]").length === 1, null, { timeout });
    const text = await page.textContent("#alert");
    assert(text.includes("Joe Biden was deleted"), text);
    const { boxes } = await identify(example("two_people.jpg"));
    assert(boxes.length === 2 && boxes[0].name === "Barack Obama" && boxes[1].unknown, JSON.stringify(boxes));
  });
  await step("the status page shows the backend and counts", async () => {
    await page.goto(server.url + "/console/#/status");
    await page.waitForSelector("#status-list dd", { timeout });
    const text = await page.textContent("#status-list");
    assert(text.includes("local") && text.includes("People1"), text);
  });
  await step("no script errors or blocked resources on any page", async () => {
    assert(pageErrors.filter((e) => !e.includes("422") && !e.includes("Unprocessable")).length === 0, pageErrors.join("\n"));
  });
} finally {
  await browser.close();
  server.proc.kill("SIGTERM");
  rmSync(server.home, { recursive: true, force: true });
}
if (failures) {
  console.log(`${failures} console check(s) failed; server log:\n${server.log().slice(-3000)}`);
  process.exit(1);
}
console.log("all console checks passed");
