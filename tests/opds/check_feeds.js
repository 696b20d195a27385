// tests/opds/check_feeds.js BASE_URL - read tusach's OPDS catalogue the way an
// e-reader app does, with NYPL's OPDS parser (opds-feed-parser, from npm):
// the navigation root, its navigation feeds, acquisition feeds with paging,
// the OpenSearch template and a search, and a download through an
// acquisition link. Prints "ok N - ..." / "not ok N - ..." and exits 1 when
// anything failed. Run by tests/cli/test_opds_client.sh.
"use strict";

const opds = require("opds-feed-parser");
const Parser = opds.default;

const base = process.argv[2];
if (!base) {
  console.error("usage: node check_feeds.js http://127.0.0.1:PORT");
  process.exit(2);
}
const NAV = "application/atom+xml;profile=opds-catalog;kind=navigation";
const ACQ = "application/atom+xml;profile=opds-catalog;kind=acquisition";
const OPEN = "http://opds-spec.org/acquisition/open-access";

let n = 0;
let failed = 0;
function check(name, cond, detail) {
  n++;
  if (cond) {
    console.log(`ok ${n} - ${name}`);
  } else {
    failed++;
    console.log(`not ok ${n} - ${name}${detail === undefined ? "" : ": " + JSON.stringify(detail)}`);
  }
}

// Fetch an href (relative ones resolved against the feed, as an app does).
async function get(href, from) {
  const url = new URL(href, from || base).toString();
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  return { url, status: res.status, type: res.headers.get("content-type"), body };
}

async function feed(href, from) {
  const r = await get(href, from);
  check(`GET ${href}: 200`, r.status === 200, r.status);
  const parsed = await new Parser().parse(r.body.toString("utf8"));
  return { r, f: parsed };
}

const linkTo = (links, pred) => links.find(pred);

async function main() {
  // the navigation root
  const root = await feed("/opds");
  check("root: navigation content type", root.r.type === NAV, root.r.type);
  check("root: parsed as a navigation feed", root.f instanceof opds.NavigationFeed);
  check("root: id", root.f.id === "urn:tusach:opds", root.f.id);
  check("root: four entries", root.f.entries.length === 4, root.f.entries.length);
  check("root: search link", root.f.links.some((l) => l instanceof opds.SearchLink));
  const hrefs = root.f.entries.map((e) => e.links[0] && e.links[0].href);
  for (const h of ["/opds/new", "/opds/type", "/opds/library", "/opds/lang"])
    check(`root: entry linking ${h}`, hrefs.includes(h), hrefs);

  // newest records, two pages walked with "next"
  const p1 = await feed("/opds/new", root.r.url);
  check("new: acquisition content type", p1.r.type === ACQ, p1.r.type);
  check("new: 50 per page", p1.f.entries.length === 50, p1.f.entries.length);
  check("new: itemsPerPage 50", p1.f.search.itemsPerPage === 50, p1.f.search);
  const total = p1.f.search.totalResults;
  const ids = new Set(p1.f.entries.map((e) => e.id));
  let next = linkTo(p1.f.links, (l) => l.rel === "next");
  let pages = 1;
  let from = p1.r.url;
  while (next && pages < 10) {
    const p = await feed(next.href, from);
    pages++;
    check(`new page ${pages}: startIndex`, p.f.search.startIndex === (pages - 1) * 50 + 1, p.f.search);
    check(`new page ${pages}: previous link`, !!linkTo(p.f.links, (l) => l.rel === "previous"));
    p.f.entries.forEach((e) => ids.add(e.id));
    next = linkTo(p.f.links, (l) => l.rel === "next");
    from = p.r.url;
  }
  check(`new: ${total} distinct entries over ${pages} pages`, ids.size === total && pages > 1, {
    seen: ids.size, total, pages,
  });
  check("new: ids are urn:tusach:record:N", [...ids].every((i) => /^urn:tusach:record:\d+$/.test(i)));

  // a library with digital files: a true acquisition feed with downloads
  const libs = await feed("/opds/library", root.r.url);
  check("libraries: navigation feed", libs.f instanceof opds.NavigationFeed);
  const school = libs.f.entries.find((e) => e.links[0] && /THCS-A$/.test(e.links[0].href));
  check("libraries: THCS-A listed", !!school);
  const digital = await feed(school.links[0].href, libs.r.url);
  check("THCS-A: parsed as an acquisition feed", digital.f instanceof opds.AcquisitionFeed);
  check("THCS-A: has entries", digital.f.entries.length > 0, digital.f.entries.length);
  let epub = null;
  for (const e of digital.f.entries) {
    const acq = e.links.filter((l) => l instanceof opds.OPDSAcquisitionLink);
    check(`THCS-A "${e.title}": open-access link`, acq.length > 0 && acq[0].rel === OPEN, acq);
    check(`THCS-A "${e.title}": alternate link to the record page`,
      e.links.some((l) => l instanceof opds.AlternateLink && /^\/records\/\d+$/.test(l.href)));
    check(`THCS-A "${e.title}": updated`, !!e.updated);
    const ep = acq.find((l) => l.type === "application/epub+zip");
    if (ep) epub = { entry: e, link: ep };
  }
  check("THCS-A: an EPUB entry", !!epub);
  if (epub) {
    check("EPUB entry: Vietnamese", epub.entry.language === "vi", epub.entry.language);
    check("EPUB entry: an author", epub.entry.authors.length > 0 && !!epub.entry.authors[0].name,
      epub.entry.authors);
    const dl = await get(epub.link.href, digital.r.url);
    check("EPUB download: 200", dl.status === 200, dl.status);
    check("EPUB download: a zip", dl.body.length > 100 && dl.body.slice(0, 2).toString() === "PK");
  }

  // a library with paper copies only: entries without acquisition links
  const paper = await feed("/opds/library/TV-Q1", root.r.url);
  check("TV-Q1: acquisition content type", paper.r.type === ACQ, paper.r.type);
  check("TV-Q1: entries listed", paper.f.entries.length > 0, paper.f.entries.length);
  check("TV-Q1: no acquisition links (paper copies)",
    paper.f.entries.every((e) => !e.links.some((l) => l instanceof opds.OPDSAcquisitionLink)));
  check("TV-Q1: titles and authors",
    paper.f.entries.every((e) => e.title && e.authors.length > 0 && e.updated));

  // types and languages
  const types = await feed("/opds/type", root.r.url);
  check("types: navigation feed with entries", types.f.entries.length > 0);
  for (const e of types.f.entries) {
    const l = e.links[0];
    check(`type "${e.title}": subsection link to an acquisition feed`,
      l && l.rel === "subsection" && l.type === ACQ, l);
  }
  const langs = await feed("/opds/lang", root.r.url);
  const vi = langs.f.entries.find((e) => e.links[0] && e.links[0].href === "/opds/lang/vi");
  check("languages: vi listed", !!vi);
  const viFeed = await feed("/opds/lang/vi", langs.r.url);
  check("lang vi: every entry in Vietnamese", viFeed.f.entries.every((e) => e.language === "vi"));

  // search through the OpenSearch description, as apps do
  const osd = await get("/opds/opensearch.xml");
  check("opensearch: content type", osd.type === "application/opensearchdescription+xml", osd.type);
  const m = /<Url type="application\/atom\+xml;profile=opds-catalog;kind=acquisition" template="([^"]+)"/.exec(
    osd.body.toString("utf8"));
  check("opensearch: acquisition template", !!m);
  if (m) {
    const url = m[1].replace(/&amp;/g, "&").replace("{searchTerms}", encodeURIComponent("dế mèn"))
      .replace("{startPage?}", "1");
    const res = await feed(url);
    check("search: acquisition content type", res.r.type === ACQ, res.r.type);
    check("search: finds Dế Mèn", res.f.entries.some((e) => /Dế Mèn/.test(e.title)),
      res.f.entries.map((e) => e.title));
    check("search: totalResults", res.f.search.totalResults >= 1, res.f.search);
  }
  console.log(`${n - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`not ok - ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
