#!/usr/bin/env bash
# tests/cli/test_browser.sh - the web pages in a real browser: Debian's headless
# Chromium driven by playwright-core (tests/browser/run.mjs). Builds a small data
# folder with the CLI (a Vietnamese EPUB written here, a spreadsheet of paper
# copies at two libraries), starts `tusach serve` on a free port, and runs the
# browser script against it; screenshots land in $TEST_OUTPUT (default
# build/test-output/browser/ under the source tree).
# Skipped (exit 77) when /usr/bin/chromium, node or tests/browser/node_modules
# is missing (scripts/install-deps.sh and scripts/install-npm.sh install them).
. "$(dirname "$0")/lib.sh"

SRC=${TS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "skip: $CHROMIUM not found (Debian package chromium)"; exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "skip: node not found (Debian package nodejs)"; exit 77
fi
if [ ! -d "$SRC/tests/browser/node_modules/playwright-core" ]; then
  echo "skip: tests/browser/node_modules missing (run scripts/install-npm.sh)"; exit 77
fi
export TEST_OUTPUT=${TEST_OUTPUT:-$SRC/build/test-output/browser}
mkdir -p "$TEST_OUTPUT"

# ---- data: a Vietnamese EPUB (with an ISBN) and copies of it at two libraries
"$TUSACH" init >/dev/null
"$TUSACH" library add --code THCS-A --name "Trường THCS Nguyễn Du" --kind school >/dev/null
"$TUSACH" library add --code TV-Q1 --name "Thư viện Quận 1" --kind public >/dev/null
mkdir -p "$T/books"
python3 - "$T/books" <<'PY'
import sys, zipfile
out = sys.argv[1]
container = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
 <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
opf = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>Sổ tay quản trị Debian</dc:title>
  <dc:creator>Raphaël Hertzog</dc:creator>
  <dc:language>vi</dc:language>
  <dc:identifier id="id">urn:isbn:9786041234567</dc:identifier>
  <dc:subject>Tin học</dc:subject>
  <dc:publisher>Freexian</dc:publisher>
  <dc:date>2022</dc:date>
 </metadata>
 <manifest>
  <item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/>
  <item id="c2" href="ch2.xhtml" media-type="application/xhtml+xml"/>
 </manifest>
 <spine><itemref idref="c1"/><itemref idref="c2"/></spine>
</package>"""
def xhtml(title, body):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head>
<body><h1>{title}</h1>{body}</body></html>"""
with zipfile.ZipFile(f"{out}/so-tay-quan-tri.epub", "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
    z.writestr("META-INF/container.xml", container)
    z.writestr("OEBPS/content.opf", opf)
    z.writestr("OEBPS/ch1.xhtml", xhtml("Chương 1. Giới thiệu",
        "<p>Debian là một hệ điều hành tự do, do cộng đồng tình nguyện viên xây dựng.</p>"),
        zipfile.ZIP_DEFLATED)
    z.writestr("OEBPS/ch2.xhtml", xhtml("Chương 2. Cài đặt gói phần mềm",
        "<p>Để cài đặt gói phần mềm, hãy dùng lệnh <code>apt install</code>. "
        "Tệp sources.list liệt kê các kho lưu trữ gói.</p>"
        "<p>Sau khi cài đặt gói, hãy kiểm tra phiên bản bằng lệnh dpkg.</p>"),
        zipfile.ZIP_DEFLATED)
PY
cat >"$T/sach.csv" <<'CSV'
Nhan đề,Tác giả,Nhà xuất bản,Năm xuất bản,ISBN,Chủ đề,Số ĐKCB,Thư viện,Ký hiệu xếp giá,Vị trí,Trạng thái
Sổ tay quản trị Debian,Raphaël Hertzog,Freexian,2022,9786041234567,Tin học,A-001;A-002,THCS-A,005.432 H572,Kệ 2,available
Sổ tay quản trị Debian,Raphaël Hertzog,Freexian,2022,9786041234567,Tin học,Q1-001,TV-Q1,005.432 H572,Kho mở,on_loan
Dế Mèn phiêu lưu ký,Tô Hoài,Kim Đồng,2019,,Văn học thiếu nhi,A-010,THCS-A,895.9223 T450H,Kệ 5,available
Dế Mèn phiêu lưu ký,Tô Hoài,Kim Đồng,2019,,Văn học thiếu nhi,Q1-010,TV-Q1,895.9223 T450H,Kệ 1,in_transit
CSV
# people for the circulation scenario (tests/browser/circ.mjs)
echo 'matkhau-thu-thu' | "$TUSACH" user add thuthu --role librarian --library THCS-A --name "Cô Thu" --password-stdin >/dev/null
"$TUSACH" reader add --card HS-001 --name "Nguyễn Thị Lan" --library THCS-A --class 6A >/dev/null
echo '2468' | "$TUSACH" user add HS-001 --role reader --password-stdin >/dev/null
out=$("$TUSACH" import "$T/books" --library THCS-A 2>&1)
check "EPUB imported" test $? -eq 0
out=$("$TUSACH" import "$T/sach.csv" --library THCS-A 2>&1); rc=$?
check "spreadsheet of copies imported (rc $rc)" test $rc -eq 0
contains "copies added" "$out" "copies added 5"
contains "copies merged onto the EPUB's record by ISBN" "$out" "created 1, merged 0, updated 0, unchanged 1"

# ---- server on a free port
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$TUSACH" serve --port "$PORT" --threads 2 >"$T/serve.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; rm -rf "$T"' EXIT
up=0
for _ in $(seq 1 100); do # at most ~20 s (ASan builds start slowly)
  if python3 - "$PORT" <<'PY' 2>/dev/null; then up=1; break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/health", timeout=2).read()
PY
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.2
done
check "server answers /api/v1/health" test $up -eq 1
if [ $up -ne 1 ]; then
  cat "$T/serve.log"
  finish
  exit 1
fi

# ---- the browser
export BASE_URL="http://127.0.0.1:$PORT"
export CHROMIUM
node "$SRC/tests/browser/run.mjs"; rc=$?
check "browser checks (tests/browser/run.mjs, screenshots in $TEST_OUTPUT)" test $rc -eq 0
node "$SRC/tests/browser/circ.mjs"; rc=$?
check "browser circulation checks (tests/browser/circ.mjs)" test $rc -eq 0
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
if [ "${TS_SANITIZE:-OFF}" = ON ]; then
  lacks "no sanitizer reports from the server" "$(cat "$T/serve.log")" "ERROR: AddressSanitizer"
fi
finish
