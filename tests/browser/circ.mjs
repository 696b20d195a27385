// tests/browser/circ.mjs - circulation in headless Chromium, as people do it:
// a librarian logs in and works the desk the way a barcode scanner does
// (type the code, press Enter: the reader's card, then copies one after
// another), sees a refusal, takes a copy back, and logs out; then a reader
// logs in with card and PIN, sees the loan with its due date on their
// account page, renews it and places a hold from a record page.
// tests/cli/test_browser.sh builds the data (librarian "thuthu", reader
// HS-001 with PIN 2468 at THCS-A) and sets BASE_URL.
import { BASE, a11y, check, close, finish, launch, shot, tally, watch } from './lib.mjs';

async function login(page, user, password, landing) {
  await page.fill('#login', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(landing), page.press('#password', 'Enter')]);
}

// What a scanner does: the characters, then Enter, into the focused input.
async function scan(page, code) {
  await page.keyboard.type(code, { delay: 5 });
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.keyboard.press('Enter')]);
}

async function focusedId(page) {
  return page.evaluate(() => (document.activeElement ? document.activeElement.id : ''));
}

async function desk() {
  const b = await launch({ viewport: { width: 1280, height: 900 } });
  const page = b.context.pages()[0] || (await b.context.newPage());
  const problems = watch(page);

  // the desk needs a login, and comes back to the desk afterwards
  await page.goto(`${BASE}/desk`);
  check('desk: anonymous visitor is sent to the login page', /\/login\?next=%2Fdesk|\/login\?next=\/desk/.test(page.url()), page.url());
  await a11y(page, 'login page');
  await login(page, 'thuthu', 'matkhau-thu-thu', /\/desk/);
  check('desk: after login, the desk', ((await page.textContent('h1')) || '').includes('THCS'), await page.textContent('h1'));
  check('desk: the card input has the focus (scanner ready)', (await focusedId(page)) === 'card', await focusedId(page));
  await a11y(page, 'desk');

  // card, then two copies, each scan straight into the focused input
  await scan(page, 'HS-001');
  check('desk: reader chosen, the item input has the focus', (await focusedId(page)) === 'item-barcode', await focusedId(page));
  await scan(page, 'A-001');
  let result = (await page.locator('.desk-result').first().textContent()) || '';
  check('desk: first copy lent, with its due date', /Sổ tay quản trị Debian/.test(result) && /\d{4}-\d{2}-\d{2}/.test(result), result.replace(/\s+/g, ' '));
  check('desk: still on this reader, item input focused', (await focusedId(page)) === 'item-barcode', await focusedId(page));
  await scan(page, 'A-010');
  const receipt = (await page.locator('.desk-receipt').textContent()) || '';
  check('desk: receipt lists both titles', receipt.includes('Sổ tay quản trị Debian') && receipt.includes('Dế Mèn'), receipt.replace(/\s+/g, ' '));
  await shot(page, 'desk-checkout');

  // a copy this reader already has: refused, with a message and no crash
  await page.focus('#item-barcode');
  await scan(page, 'A-001');
  result = (await page.locator('.desk-result.error').first().textContent().catch(() => '')) || '';
  check('desk: a refusal is explained on the page', result.trim().length > 10, result.replace(/\s+/g, ' '));
  await shot(page, 'desk-refusal');

  // take Dế Mèn back
  await page.focus('#return-barcode');
  await scan(page, 'A-010');
  result = (await page.locator('.desk-result').first().textContent()) || '';
  check('desk: the copy is back', result.includes('Dế Mèn'), result.replace(/\s+/g, ' '));
  const csp = problems.filter((p) => /Content Security Policy|Refused to/i.test(p));
  // the refusal page is a 409 on purpose; Chromium logs that as a console error
  const others = problems.filter((p) => !/status of 409/.test(p));
  check('desk: no CSP violations', csp.length === 0, csp.join(' | '));
  check('desk: no other console errors', others.length === 0, others.join(' | '));

  // log out from the header
  await Promise.all([page.waitForURL(`${BASE}/`), page.click('form.logout button')]);
  check('desk: logged out (the header offers a login again)', (await page.locator('a[href="/login"]').count()) >= 1);
  await close(b);
}

async function reader() {
  const b = await launch({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = b.context.pages()[0] || (await b.context.newPage());
  const problems = watch(page);

  await page.goto(`${BASE}/login`);
  await login(page, 'HS-001', '2468', /\/account/);
  const body = (await page.textContent('main')) || '';
  check('account: my loan with its due date', body.includes('Sổ tay quản trị Debian') && /\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{4}/.test(body), body.replace(/\s+/g, ' ').slice(0, 300));
  check('account: the card number is not shown as my name', !((await page.textContent('header.site')) || '').includes('HS-001'));
  await a11y(page, 'account');
  await shot(page, 'account');

  // renew from the account page
  const renew = page.locator('form[action="/account/renew"] button').first();
  check('account: a renew button', (await renew.count()) === 1);
  if ((await renew.count()) === 1) {
    await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), renew.click()]);
    const after = (await page.textContent('main')) || '';
    check('account: renewed (a message says so)', /gia hạn|Gia hạn/.test(after), after.replace(/\s+/g, ' ').slice(0, 300));
  }

  // place a hold on Dế Mèn for pickup at the public library
  await page.goto(`${BASE}/search?q=de+men`);
  await Promise.all([page.waitForURL(/\/records\/\d+$/), page.locator('li.hit h3 a').first().click()]);
  const holdForm = page.locator('form[action$="/hold"]');
  check('record: a signed-in reader can place a hold', (await holdForm.count()) === 1);
  if ((await holdForm.count()) === 1) {
    const select = holdForm.locator('select');
    if ((await select.count()) === 1) await select.selectOption('TV-Q1');
    await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), holdForm.locator('button').click()]);
    await page.goto(`${BASE}/account`);
    const holds = (await page.textContent('main')) || '';
    check('account: the hold is listed', holds.includes('Dế Mèn'), holds.replace(/\s+/g, ' ').slice(0, 300));
    await shot(page, 'account-hold');
  }
  check('account: no console errors', problems.length === 0, problems.join(' | '));
  await close(b);
}

async function main() {
  await desk();
  await reader();
  finish();
}

main().catch((e) => {
  console.log(`not ok - browser run: ${e.stack || e}`);
  console.log(`${tally.passed} passed, ${tally.failed + 1} failed`);
  process.exit(1);
});
