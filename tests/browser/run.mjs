// tests/browser/run.mjs - the tusach pages in headless Chromium, as a reader
// uses them: search in Vietnamese without diacritics, open a record, read an
// EPUB chapter, switch language, use the keyboard, a phone-sized screen, and a
// basic accessibility check of every page visited (labels, alt text, one h1,
// html lang, WCAG AA contrast of text and links against the computed
// background). Screenshots go to $TEST_OUTPUT.
//
// Starts nothing itself: tests/cli/test_browser.sh builds the data folder,
// starts `tusach serve` and sets BASE_URL. Uses Debian's chromium
// ($CHROMIUM, default /usr/bin/chromium) through playwright-core; no browser
// is downloaded. Prints "ok - ..." lines and "N passed, N failed"; exit 1 on
// any failure.
import { BASE, a11y, check, close, finish, launch, noHorizontalScroll, shot, tally, watch } from './lib.mjs';

async function main() {
  const desktop = await launch({ viewport: { width: 1280, height: 900 } });
  const page = desktop.context.pages()[0] || (await desktop.context.newPage());
  const problems = watch(page);

  // ---- home
  await page.goto(`${BASE}/`);
  check('home: Vietnamese by default', (await page.getAttribute('html', 'lang')) === 'vi');
  await shot(page, 'home');
  await a11y(page, 'home');

  // ---- search-as-you-type (app.js fills the datalist)
  await page.fill('#q', '');
  await page.type('#q', 'so tay', { delay: 30 });
  let suggested = false;
  try {
    await page.waitForFunction(
      () => [...document.querySelectorAll('#q-suggest option')].some((o) => o.value.includes('Sổ tay')),
      null,
      { timeout: 5000 },
    );
    suggested = true;
  } catch {
    suggested = false;
  }
  check('suggestions appear while typing (JS on)', suggested);

  // ---- search without diacritics
  await page.fill('#q', '');
  await page.type('#q', 'cai dat goi', { delay: 20 });
  await Promise.all([page.waitForURL(/\/search\?/), page.press('#q', 'Enter')]);
  const firstHit = page.locator('li.hit').first();
  const title = (await firstHit.locator('h3 a').textContent()) || '';
  check('results: the accented title is found', title.includes('Sổ tay quản trị Debian'), title);
  const marks = await firstHit.locator('.snippet mark').allTextContents();
  check(
    'results: matched words highlighted with <mark>',
    marks.some((m) => /cài|đặt|gói/i.test(m)),
    JSON.stringify(marks),
  );
  const avail = (await firstHit.locator('ul.avail').textContent()) || '';
  check('results: availability per library', /Có sẵn \(2 bản\)/.test(avail) && /Đang cho mượn/.test(avail), avail.replace(/\s+/g, ' '));
  check('results: the digital copy is shown', /Bản số/.test(avail));
  const sectionHref = await firstHit.locator('p.section a').getAttribute('href');
  await shot(page, 'results');
  await a11y(page, 'results');

  // ---- keyboard: Tab reaches the search box and the first result link, focus visible
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.locator('body').click({ position: { x: 1, y: 1 } }).catch(() => {});
  await page.evaluate(() => window.scrollTo(0, 0));
  let reachedBox = false;
  let reachedHit = false;
  let focusVisible = true;
  let focusDetail = '';
  for (let i = 0; i < 60 && !reachedHit; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      return {
        id: el.id,
        hit: !!el.closest('li.hit h3'),
        first: el === document.querySelector('li.hit h3 a'),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
        shadow: s.boxShadow !== 'none',
        what: el.outerHTML.slice(0, 60),
      };
    });
    if (!f) continue;
    if (!f.outline && !f.shadow) {
      focusVisible = false;
      focusDetail = f.what;
    }
    if (f.id === 'q') reachedBox = true;
    if (f.first) reachedHit = true;
  }
  check('keyboard: Tab reaches the search box', reachedBox);
  check('keyboard: Tab reaches the first result link', reachedHit);
  check('keyboard: focus is visible on every stop', focusVisible, focusDetail);

  // ---- the record
  await Promise.all([page.waitForURL(/\/records\/\d+$/), firstHit.locator('h3 a').click()]);
  const h1 = (await page.textContent('h1')) || '';
  check('record: title', h1.includes('Sổ tay quản trị Debian'), h1);
  const copies = (await page.locator('table.copies').first().textContent()) || '';
  check('record: copies with call number and shelf', copies.includes('A-001') && copies.includes('005.432 H572') && copies.includes('Kệ 2'), copies.replace(/\s+/g, ' '));
  check('record: two libraries', (await page.locator('section.lib-copies').count()) === 2);
  await shot(page, 'record');
  await a11y(page, 'record');

  // ---- the EPUB reader: first chapter from the record, the matching one from the hit
  await Promise.all([page.waitForURL(/\/read\?/), page.locator('a.btn', { hasText: 'Đọc trực tuyến' }).first().click()]);
  let text = (await page.textContent('article.reader')) || '';
  check('reader: first chapter text', text.includes('Debian là một hệ điều hành tự do'), text.slice(0, 80));
  await a11y(page, 'reader');
  check('results: the hit links its matching chapter', !!sectionHref, String(sectionHref));
  if (sectionHref) {
    await page.goto(new URL(sectionHref, BASE).toString());
    text = (await page.textContent('article.reader')) || '';
    check('reader: the matching chapter', text.includes('Để cài đặt gói phần mềm'), text.slice(0, 80));
  }
  await shot(page, 'chapter');

  // ---- switch language
  await Promise.all([page.waitForLoadState('load'), page.click('a[hreflang="en"]')]);
  check('language switch: html lang="en"', (await page.getAttribute('html', 'lang')) === 'en');
  check('language switch: English labels', ((await page.textContent('header.site nav')) || '').includes('Libraries'));
  await page.goBack().catch(() => {});
  await page.goto(`${BASE}/search?q=cai+dat+goi`);
  const enAvail = (await page.locator('li.hit').first().locator('ul.avail').textContent()) || '';
  check('English: availability labels', enAvail.includes('Available now (2 copies)') && enAvail.includes('On loan'), enAvail.replace(/\s+/g, ' '));
  await shot(page, 'english');
  await a11y(page, 'english results');
  await page.goto(`${BASE}/libraries/THCS-A`);
  await a11y(page, 'library page');
  await shot(page, 'library');

  // ---- my library: the selector remembers it (cookie), the filter appears
  await page.goto(`${BASE}/search?q=cai+dat+goi`);
  await page.selectOption('#my_library', 'TV-Q1');
  await Promise.all([page.waitForURL(/\/search\?q=/), page.click('form.mylib button')]);
  const mine = (await page.locator('li.hit').first().locator('ul.avail li').first().textContent()) || '';
  check('my library: listed first', mine.includes('Thư viện Quận 1') || mine.includes('Quận 1'), mine.replace(/\s+/g, ' '));
  check('my library: "available at my library" filter offered', (await page.locator('.mylib-filter a').count()) === 1);
  await Promise.all([page.waitForURL(/available_at=TV-Q1/), page.click('.mylib-filter a')]);
  check('my library: filter applied (nothing on the shelf there)', (await page.locator('li.hit').count()) === 0);

  const csp = problems.filter((p) => /Content Security Policy|Refused to/i.test(p));
  check('no CSP violations in the console', csp.length === 0, csp.join(' | '));
  check('no console errors', problems.length === 0, problems.join(' | '));
  await close(desktop);

  // ---- a phone
  const phone = await launch({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const p = phone.context.pages()[0] || (await phone.context.newPage());
  const phoneProblems = watch(p);
  for (const [label, url] of [
    ['phone home', '/'],
    ['phone results', '/search?q=cai+dat+goi'],
    ['phone record', null],
    ['phone libraries', '/libraries'],
  ]) {
    if (url) {
      await p.goto(`${BASE}${url}`);
    } else {
      await p.goto(`${BASE}/search?q=cai+dat+goi`);
      await Promise.all([p.waitForURL(/\/records\/\d+$/), p.locator('li.hit h3 a').first().click()]);
    }
    await noHorizontalScroll(p, label);
    if (label === 'phone results') await shot(p, 'phone');
    if (label === 'phone record') {
      await shot(p, 'phone-record');
      await a11y(p, 'phone record');
    }
  }
  check('phone: no console errors', phoneProblems.length === 0, phoneProblems.join(' | '));
  await close(phone);

  finish();
}

main().catch((e) => {
  console.log(`not ok - browser run: ${e.stack || e}`);
  console.log(`${tally.passed} passed, ${tally.failed + 1} failed`);
  process.exit(1);
});
