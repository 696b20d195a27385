#!/usr/bin/env python3
"""tests/cli/make_fixtures.py DIR - write the CLI tests' collection, including
hostile files, at test time (nothing binary is committed).

DIR/books/   a small collection: EPUB (Vietnamese), HTML, Markdown, text in
             Windows-1258 and TCVN3-free UTF-8, a broken EPUB, an image (skipped)
DIR/hostile/ collection zips with '../' and absolute member paths, a symlink
             member, and a decompression bomb (40 MB of zeros)
"""
import os
import sys
import unicodedata
import zipfile

root = sys.argv[1]
books = os.path.join(root, "books")
hostile = os.path.join(root, "hostile")
os.makedirs(os.path.join(books, "sub"), exist_ok=True)
os.makedirs(hostile, exist_ok=True)

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
 <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""

OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>Hướng dẫn quản trị hệ thống</dc:title>
  <dc:creator>Nguyễn Văn An</dc:creator>
  <dc:language>vi</dc:language>
  <dc:identifier id="id">urn:isbn:9786041234567</dc:identifier>
  <dc:subject>Tin học</dc:subject>
  <dc:publisher>Nhà xuất bản Giáo dục</dc:publisher>
  <dc:date>2021-05-01</dc:date>
 </metadata>
 <manifest>
  <item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/>
  <item id="c2" href="ch2.xhtml" media-type="application/xhtml+xml"/>
  <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
 </manifest>
 <spine toc="ncx"><itemref idref="c1"/><itemref idref="c2"/></spine>
</package>"""

def xhtml(title, body):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head>
<body><h1>{title}</h1><p>{body}</p></body></html>"""

def write_epub(path, chapters, opf=OPF):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        z.writestr("META-INF/container.xml", CONTAINER)
        z.writestr("OEBPS/content.opf", opf)
        for name, (title, body) in chapters.items():
            z.writestr("OEBPS/" + name, xhtml(title, body), zipfile.ZIP_DEFLATED)

write_epub(os.path.join(books, "quan-tri.epub"), {
    "ch1.xhtml": ("Chương 1. Giới thiệu", "Debian là một hệ điều hành tự do. Bạn bè cùng học."),
    "ch2.xhtml": ("Chương 2. Quản lý gói",
                  "Để cài đặt gói phần mềm, hãy dùng lệnh apt install. Tệp sources.list "
                  "liệt kê các kho. Sau khi cài đặt, chạy ssh-keygen để tạo khóa."),
})

with open(os.path.join(books, "ban-do.html"), "w", encoding="utf-8") as f:
    f.write("""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Bản đồ Việt Nam</title><meta name="description" content="Tập bản đồ địa lý">
<script>var secret = "khongduoctimthay";</script></head>
<body><h1>Bản đồ Việt Nam</h1><p>Bản đồ các tỉnh thành, sông ngòi và núi non.</p></body></html>""")

with open(os.path.join(books, "sub", "bai-hoc.md"), "w", encoding="utf-8") as f:
    f.write("# Bài học về thủy điện\n\nNhà máy thủy điện Hòa Bình.\n\n## Phần hai\n\nNăng lượng sạch.\n")

# Windows-1258: base letters with modifiers precomposed, tone marks combining.
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
def to_cp1258(text):
    out = []
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in d if c not in TONES)
        tones = "".join(c for c in d if c in TONES)
        out.append(unicodedata.normalize("NFC", base) + tones)
    return "".join(out).encode("cp1258")

with open(os.path.join(books, "truyen-co.txt"), "wb") as f:
    f.write(to_cp1258("Truyện cổ tích Việt Nam\n\nNgày xửa ngày xưa, ở một làng nọ có hai anh em "
                      "nhà nghèo. Người em chăm chỉ làm ruộng, người anh lười biếng. Câu chuyện "
                      "dạy chúng ta về lòng biết ơn và sự cần cù.\n"))

with open(os.path.join(books, "broken.epub"), "wb") as f:
    f.write(b"this is not a zip file at all")
with open(os.path.join(books, "cover.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)

# Hostile collection archives.
with zipfile.ZipFile(os.path.join(hostile, "traversal.zip"), "w") as z:
    z.writestr("good/an-toan.html", "<html><head><title>Tệp an toàn</title></head>"
               "<body>Nội dung an toàn trong kho lưu trữ</body></html>")
    z.writestr("../evil.html", "<html><body>escaped</body></html>")
    z.writestr("/tmp/tusach-absolute-evil.html", "<html><body>absolute</body></html>")
    info = zipfile.ZipInfo("link.html")
    info.external_attr = (0o120777 << 16)  # a symbolic link member
    info.create_system = 3
    z.writestr(info, "/etc/passwd")

with zipfile.ZipFile(os.path.join(hostile, "bomb.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("zeros.txt", "w") as m:
        block = b"\0" * (1 << 20)
        for _ in range(40):
            m.write(block)
# The same bomb with sizes that lie: headers claim 1000 bytes.
data = bytearray(open(os.path.join(hostile, "bomb.zip"), "rb").read())
lfh = data.find(b"PK\x03\x04")
cdh = data.find(b"PK\x01\x02")
data[lfh + 22:lfh + 26] = (1000).to_bytes(4, "little")
data[cdh + 24:cdh + 28] = (1000).to_bytes(4, "little")
with open(os.path.join(hostile, "lying-bomb.zip"), "wb") as f:
    f.write(bytes(data))
print("fixtures in", root)
