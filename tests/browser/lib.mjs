// tests/browser/lib.mjs - what the browser scenarios share: launching Debian's
// chromium through playwright-core, "ok/not ok" checks with a tally,
// screenshots, console/CSP watching, the accessibility basics and the phone
// layout check. Scenarios: run.mjs (reading), circ.mjs (desk and account).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BASE = process.env.BASE_URL;
export const OUT = process.env.TEST_OUTPUT || path.resolve('build/test-output/browser');
const EXE = process.env.CHROMIUM || '/usr/bin/chromium';
if (!BASE) {
  console.error('tests/browser: set BASE_URL (tests/cli/test_browser.sh does)');
  process.exit(2);
}
fs.mkdirSync(OUT, { recursive: true });

export const tally = { passed: 0, failed: 0 };
export function check(name, ok, detail) {
  if (ok) {
    tally.passed++;
    console.log(`ok - ${name}`);
  } else {
    tally.failed++;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// A fresh --user-data-dir per browser (launchPersistentContext passes it).
export async function launch(options) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tusach-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: EXE,
    headless: true,
    args: ARGS,
    locale: 'vi-VN',
    timeout: 60000,
    ...options,
  });
  context.setDefaultTimeout(15000);
  return { context, dir };
}

export async function close({ context, dir }) {
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

// Console errors and CSP violations, per page.
export function watch(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

export async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
}

// The accessibility basics, computed in the page.
export async function a11y(page, label) {
  const r = await page.evaluate(() => {
    const out = { unlabelled: [], noAlt: [], h1: 0, lang: '', contrast: [] };
    const visible = (el) => {
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || s.display === 'none') return false;
      const b = el.getBoundingClientRect();
      return b.width > 1 && b.height > 1;
    };
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') continue;
      const named =
        (el.labels && el.labels.length > 0) ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby');
      if (!named) out.unlabelled.push(el.outerHTML.slice(0, 80));
    }
    for (const img of document.querySelectorAll('img')) {
      if (!img.hasAttribute('alt')) out.noAlt.push(img.outerHTML.slice(0, 80));
    }
    out.h1 = document.querySelectorAll('h1').length;
    out.lang = document.documentElement.getAttribute('lang') || '';

    // WCAG 2 relative luminance and contrast ratio
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    // every visible element with text of its own: body text, links, labels, badges
    const seen = new Set();
    for (const el of document.body.querySelectorAll('*')) {
      if (['SCRIPT', 'STYLE', 'OPTION', 'DATALIST'].includes(el.tagName)) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !visible(el)) continue;
      const s = getComputedStyle(el);
      if (s.clip === 'rect(0px, 0px, 0px, 0px)') continue; // visually hidden
      const fg = parse(s.color);
      const bg = background(el);
      const size = parseFloat(s.fontSize);
      const bold = parseInt(s.fontWeight, 10) >= 700;
      const large = size >= 24 || (bold && size >= 18.66);
      const need = large ? 3 : 4.5;
      const got = ratio(fg, bg);
      const key = `${el.tagName}.${el.className}|${s.color}|${JSON.stringify(bg)}`;
      if (got < need && !seen.has(key)) {
        seen.add(key);
        out.contrast.push(
          `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} "${el.textContent
            .trim()
            .slice(0, 30)}" ${got.toFixed(2)}:1 < ${need}:1`,
        );
      }
    }
    return out;
  });
  check(`${label}: every input has a label`, r.unlabelled.length === 0, r.unlabelled.join(' | '));
  check(`${label}: images have alt`, r.noAlt.length === 0, r.noAlt.join(' | '));
  check(`${label}: one h1`, r.h1 === 1, `${r.h1} h1 elements`);
  check(`${label}: html lang is vi or en`, r.lang === 'vi' || r.lang === 'en', r.lang);
  check(`${label}: text contrast at least WCAG AA`, r.contrast.length === 0, r.contrast.join('; '));
}

export async function noHorizontalScroll(page, label) {
  const w = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  check(`${label}: no horizontal scroll`, w.scroll <= w.inner, `scrollWidth ${w.scroll} > ${w.inner}`);
}


// The closing line and exit status of a scenario.
export function finish() {
  console.log(`screenshots: ${OUT}`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed ? 1 : 0);
}
