/*
 * indexer/xapian_shim.cc - the extern "C" layer over Xapian 1.4 (see
 * xapian_shim.h), the only C++ file in tusach.
 *
 * Mechanical on purpose: no prefixes, slots or language rules live here, they
 * are passed in from schema.c / index.c / search.c. Every extern "C" body runs
 * inside guard(), which turns each exception into a ts_code and Xapian's
 * message, so nothing C++ ever unwinds into C. The trivial accessors of
 * xs_hits only index vectors the shim filled itself and cannot throw.
 *
 * Writer: all changes happen inside one Xapian transaction that is committed
 * only by xs_commit(); closing a writer cancels the open transaction, so a
 * crash or a close never publishes half a batch.
 */
#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <time.h>

#include <xapian.h>

extern "C" {
#include "ts_err.h"
#include "ts_mem.h"
}
#include "xapian_shim.h"

struct xs_db {
    Xapian::Database db;          // reads (the writer's own handle when writing)
    Xapian::WritableDatabase wdb; // valid when writer
    bool writer = false;
    bool in_txn = false;
    std::string version_path; // a reader's <dir>/iamglass (see refresh())
    struct stat version_seen {
    };
    bool version_known = false;
    struct timespec reopened {
    };
};

// A reader catches up with the latest commit before it answers. Why not
// Database::reopen() every time: it opens, reads and closes the version file
// on each call (four system calls, ~5 % of a web search's CPU), while glass
// commits by renaming a new version file over the old one. The same inode,
// size and mtime as at the last reopen mean the same revision. The stat comes
// first: a commit between it and the reopen only costs one more reopen. A
// freed inode number can come back with the same size within one timestamp
// tick, so a real reopen still happens at least once a second.
static void refresh(xs_db *db)
{
    struct stat sb;
    struct timespec now;
    bool have = !db->version_path.empty() && stat(db->version_path.c_str(), &sb) == 0;

    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = static_cast<double>(now.tv_sec - db->reopened.tv_sec) +
                   static_cast<double>(now.tv_nsec - db->reopened.tv_nsec) * 1e-9;
    if (have && db->version_known && since < 1.0 && sb.st_ino == db->version_seen.st_ino &&
        sb.st_dev == db->version_seen.st_dev && sb.st_size == db->version_seen.st_size &&
        sb.st_mtim.tv_sec == db->version_seen.st_mtim.tv_sec &&
        sb.st_mtim.tv_nsec == db->version_seen.st_mtim.tv_nsec &&
        sb.st_ctim.tv_sec == db->version_seen.st_ctim.tv_sec &&
        sb.st_ctim.tv_nsec == db->version_seen.st_ctim.tv_nsec)
        return;
    db->db.reopen();
    db->reopened = now;
    db->version_known = have;
    if (have)
        db->version_seen = sb;
}

struct xs_doc {
    Xapian::Document doc;
};

struct xs_q {
    Xapian::Query q;
};

struct xs_hit {
    double weight = 0;
    Xapian::docid did = 0;
    std::vector<std::string> values;
    std::string data;
};

struct xs_hits {
    size_t estimated = 0;
    bool exact = false;
    std::vector<xs_hit> hits;
    std::vector<std::vector<std::pair<std::string, size_t>>> facets;
};

template <class F> static int guard(ts_err *err, const char *what, F &&body) noexcept
{
    try {
        return body();
    } catch (const Xapian::DatabaseLockError &e) { // most derived first
        return ts_fail(err, TS_EBUSY, "%s: index locked: %s", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return ts_fail(err, TS_ENOTFOUND, "%s: no index: %s", what, e.get_msg().c_str());
    } catch (const Xapian::QueryParserError &e) {
        return ts_fail(err, TS_EINVAL, "%s: %s", what, e.get_msg().c_str());
    } catch (const Xapian::Error &e) {
        return ts_fail(err, TS_EINDEX, "%s: %s", what, e.get_description().c_str());
    } catch (const std::bad_alloc &) {
        return ts_fail(err, TS_ENOMEM, "%s: out of memory", what);
    } catch (...) {
        return ts_fail(err, TS_EINTERNAL, "%s: unknown C++ exception", what);
    }
}

// A reader may be overtaken by a writer's commits (DatabaseModifiedError):
// reopen and run the body again, three times at most.
template <class F> static int with_reopen(xs_db *db, F &&body)
{
    for (int attempt = 0;; attempt++) {
        try {
            return body();
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt >= 3)
                throw;
            db->db.reopen();
        }
    }
}

static void need_writer(const xs_db *db)
{
    if (!db->writer)
        throw Xapian::InvalidOperationError("index opened read-only");
}

static void ensure_txn(xs_db *db)
{
    need_writer(db);
    if (!db->in_txn) {
        db->wdb.begin_transaction(true);
        db->in_txn = true;
    }
}

static char *dup_out(const std::string &s)
{
    return ts_xstrndup(s.data(), s.size());
}

/* ---- databases ---- */

extern "C" int xs_open_writer(const char *dir, xs_db **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_open_writer", [&] {
        xs_db *db = new xs_db;
        try {
            db->wdb = Xapian::WritableDatabase(dir, Xapian::DB_CREATE_OR_OPEN);
        } catch (const Xapian::DatabaseLockError &) {
            delete db;
            return ts_fail(err, TS_EBUSY, "index is locked by another tusach process");
        } catch (...) {
            delete db;
            throw;
        }
        db->db = db->wdb;
        db->writer = true;
        *out = db;
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_open_reader(const char *dir, xs_db **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_open_reader", [&] {
        xs_db *db = new xs_db;
        // Opening reads the latest revision; a writer committing quickly
        // (an import's batches) can discard it before the open completes.
        // Opening again gets the newer one; give up after a few tries.
        for (int attempt = 0;; attempt++) {
            try {
                db->db = Xapian::Database(dir);
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt < 5)
                    continue;
                delete db;
                throw;
            } catch (...) {
                delete db;
                throw;
            }
        }
        db->version_path = std::string(dir) + "/iamglass";
        *out = db;
        return static_cast<int>(TS_OK);
    });
}

extern "C" void xs_close(xs_db *db)
{
    ts_err ignored;
    guard(&ignored, "xs_close", [&] {
        delete db; // an open transaction is cancelled, never committed
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_doc_count(xs_db *db, size_t *out, ts_err *err)
{
    *out = 0;
    return guard(err, "xs_doc_count", [&] {
        if (!db->writer)
            refresh(db); // the latest commit, as for a search
        return with_reopen(db, [&] {
            *out = db->db.get_doccount();
            return static_cast<int>(TS_OK);
        });
    });
}

extern "C" int xs_revision(xs_db *db, char *uuid, size_t cap, uint64_t *rev, ts_err *err)
{
    if (cap)
        uuid[0] = '\0';
    *rev = 0;
    return guard(err, "xs_revision", [&] {
        if (!db->writer)
            refresh(db);
        return with_reopen(db, [&] {
            std::string u = db->db.get_uuid();
            if (cap) {
                size_t n = std::min(u.size(), cap - 1);
                memcpy(uuid, u.data(), n);
                uuid[n] = '\0';
            }
            *rev = static_cast<uint64_t>(db->db.get_revision());
            return static_cast<int>(TS_OK);
        });
    });
}

extern "C" int xs_termfreq(xs_db *db, const char *term, size_t len, size_t *out, ts_err *err)
{
    *out = 0;
    return guard(err, "xs_termfreq", [&] {
        std::string t(term, len);
        return with_reopen(db, [&] {
            *out = db->db.get_termfreq(t);
            return static_cast<int>(TS_OK);
        });
    });
}

extern "C" int xs_spelling(xs_db *db, const char *word, size_t len, char **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_spelling", [&] {
        std::string w(word, len);
        return with_reopen(db, [&] {
            std::string s = db->db.get_spelling_suggestion(w, 2);
            if (!s.empty())
                *out = dup_out(s);
            return static_cast<int>(TS_OK);
        });
    });
}

extern "C" int xs_term_values(xs_db *db, const char *term, size_t len, unsigned slot, char ***vals,
                              size_t *n, ts_err *err)
{
    *vals = nullptr;
    *n = 0;
    return guard(err, "xs_term_values", [&] {
        std::string t(term, len);
        std::vector<std::string> got;
        if (!db->writer)
            refresh(db);
        with_reopen(db, [&] {
            got.clear();
            for (auto it = db->db.postlist_begin(t); it != db->db.postlist_end(t); ++it)
                got.push_back(db->db.get_document(*it).get_value(slot));
            return static_cast<int>(TS_OK);
        });
        char **v = static_cast<char **>(ts_xcalloc(got.size() + 1, sizeof *v));
        for (size_t i = 0; i < got.size(); i++)
            v[i] = dup_out(got[i]);
        *vals = v;
        *n = got.size();
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_positions(xs_db *db, unsigned docid, const char *term, size_t len, unsigned **buf,
                            size_t *cap, size_t *n, ts_err *err)
{
    size_t n0 = *n;
    return guard(err, "xs_positions", [&] {
        std::string t(term, len);
        return with_reopen(db, [&] {
            *n = n0;
            Xapian::PositionIterator it = db->db.positionlist_begin(docid, t);
            Xapian::PositionIterator end = db->db.positionlist_end(docid, t);
            for (; it != end; ++it) {
                if (*n == *cap) {
                    *cap = *cap ? *cap * 2 : 64;
                    *buf = static_cast<unsigned *>(ts_xrealloc(*buf, *cap * sizeof **buf));
                }
                (*buf)[(*n)++] = *it;
            }
            return static_cast<int>(TS_OK);
        });
    });
}

/* ---- documents ---- */

extern "C" int xs_doc_new(xs_doc **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_doc_new", [&] {
        *out = new xs_doc;
        return static_cast<int>(TS_OK);
    });
}

extern "C" void xs_doc_free(xs_doc *doc)
{
    ts_err ignored;
    guard(&ignored, "xs_doc_free", [&] {
        delete doc;
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_doc_add_posting(xs_doc *doc, const char *term, size_t len, unsigned pos,
                                  unsigned wdf_inc, ts_err *err)
{
    return guard(err, "xs_doc_add_posting", [&] {
        doc->doc.add_posting(std::string(term, len), pos, wdf_inc);
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_doc_add_term(xs_doc *doc, const char *term, size_t len, unsigned wdf_inc,
                               ts_err *err)
{
    return guard(err, "xs_doc_add_term", [&] {
        doc->doc.add_term(std::string(term, len), wdf_inc);
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_doc_add_boolean(xs_doc *doc, const char *term, size_t len, ts_err *err)
{
    return guard(err, "xs_doc_add_boolean", [&] {
        doc->doc.add_boolean_term(std::string(term, len));
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_doc_set_value(xs_doc *doc, unsigned slot, const char *v, size_t len, ts_err *err)
{
    return guard(err, "xs_doc_set_value", [&] {
        doc->doc.add_value(slot, std::string(v, len));
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_doc_set_data(xs_doc *doc, const char *data, size_t len, ts_err *err)
{
    return guard(err, "xs_doc_set_data", [&] {
        doc->doc.set_data(std::string(data, len));
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_doc_terms(const xs_doc *doc, char **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_doc_terms", [&] {
        std::string s;
        for (auto it = doc->doc.termlist_begin(); it != doc->doc.termlist_end(); ++it) {
            s += *it;
            s += '\n';
        }
        *out = dup_out(s);
        return static_cast<int>(TS_OK);
    });
}

// Puts the per-add terms and values on a prepared document and takes them
// off again on every path out, so the document is unchanged afterwards.
class DocExtras
{
  public:
    DocExtras(Xapian::Document &doc, const xs_add_opts *o) : doc_(doc)
    {
        for (size_t i = 0; i < o->n_booleans; i++) {
            Xapian::termcount before = doc_.termlist_count();
            doc_.add_boolean_term(o->booleans[i]);
            if (doc_.termlist_count() != before)
                added_.emplace_back(o->booleans[i]);
        }
        for (size_t i = 0; i < o->n_values; i++) {
            const xs_value &v = o->values[i];
            old_values_.emplace_back(v.slot, doc_.get_value(v.slot));
            doc_.add_value(v.slot, std::string(v.v, v.len));
        }
    }
    ~DocExtras()
    {
        try {
            for (const auto &t : added_)
                doc_.remove_term(t);
            for (auto it = old_values_.rbegin(); it != old_values_.rend(); ++it) {
                if (it->second.empty())
                    doc_.remove_value(it->first);
                else
                    doc_.add_value(it->first, it->second);
            }
        } catch (...) {
            // Only reachable on bad_alloc; the caller is failing already.
        }
    }
    DocExtras(const DocExtras &) = delete;
    DocExtras &operator=(const DocExtras &) = delete;

  private:
    Xapian::Document &doc_;
    std::vector<std::string> added_;
    std::vector<std::pair<Xapian::valueno, std::string>> old_values_;
};

static bool is_word_term(const std::string &t)
{
    unsigned char c = static_cast<unsigned char>(t[0]);
    return (c >= 'a' && c <= 'z') || c >= 0x80;
}

static void add_spellings(Xapian::WritableDatabase &wdb, const Xapian::Document &doc,
                          const xs_add_opts *o)
{
    if (o->spell == XS_SPELL_NONE)
        return;
    std::string p(o->spell_prefix ? o->spell_prefix : "");
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
        const std::string &t = *it;
        if (t.empty())
            continue;
        if (o->spell == XS_SPELL_ALL && is_word_term(t)) {
            wdb.add_spelling(t, it.get_wdf());
        } else if (!p.empty() && t.compare(0, p.size(), p) == 0) {
            size_t skip = p.size() + (t.size() > p.size() && t[p.size()] == ':');
            // Only the prefix itself, not a longer prefix sharing its letters
            // ("S" must not take "Sx..." of another field): word terms under a
            // prefix start with a lower-case letter or a non-ASCII byte.
            if (t.size() > skip && is_word_term(t.substr(skip, 1)))
                wdb.add_spelling(t.substr(skip), it.get_wdf());
        }
    }
}

extern "C" int xs_add(xs_db *db, xs_doc *doc, const xs_add_opts *opts, ts_err *err)
{
    return guard(err, "xs_add", [&] {
        ensure_txn(db);
        {
            DocExtras extras(doc->doc, opts);
            db->wdb.add_document(doc->doc);
        }
        add_spellings(db->wdb, doc->doc, opts);
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_delete_term(xs_db *db, const char *term, size_t len, ts_err *err)
{
    return guard(err, "xs_delete_term", [&] {
        ensure_txn(db);
        db->wdb.delete_document(std::string(term, len));
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_clear(xs_db *db, ts_err *err)
{
    return guard(err, "xs_clear", [&] {
        ensure_txn(db);
        std::vector<Xapian::docid> ids;
        for (auto it = db->wdb.postlist_begin(""); it != db->wdb.postlist_end(""); ++it)
            ids.push_back(*it);
        for (Xapian::docid id : ids)
            db->wdb.delete_document(id);
        // The spelling dictionary is derived from the documents too.
        std::vector<std::pair<std::string, Xapian::termcount>> words;
        for (auto it = db->wdb.spellings_begin(); it != db->wdb.spellings_end(); ++it)
            words.emplace_back(*it, it.get_termfreq());
        for (const auto &w : words)
            db->wdb.remove_spelling(w.first, w.second);
        return static_cast<int>(TS_OK);
    });
}

extern "C" int xs_commit(xs_db *db, ts_err *err)
{
    return guard(err, "xs_commit", [&] {
        need_writer(db);
        if (db->in_txn) {
            // Xapian ends the transaction before writing, even if the write fails.
            db->in_txn = false;
            db->wdb.commit_transaction();
        } else {
            db->wdb.commit();
        }
        return static_cast<int>(TS_OK);
    });
}

/* ---- queries ---- */

static int new_q(Xapian::Query q, xs_q **out)
{
    *out = new xs_q{std::move(q)};
    return TS_OK;
}

extern "C" int xs_q_term(const char *term, size_t len, xs_q **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_q_term",
                 [&] { return new_q(Xapian::Query(std::string(term, len)), out); });
}

extern "C" int xs_q_combine(enum xs_op op, xs_q *const *subs, size_t n, xs_q **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_q_combine", [&] {
        Xapian::Query::op xop;
        switch (op) {
        case XS_OP_AND: xop = Xapian::Query::OP_AND; break;
        case XS_OP_OR: xop = Xapian::Query::OP_OR; break;
        case XS_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
        case XS_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
        case XS_OP_PHRASE: xop = Xapian::Query::OP_PHRASE; break;
        case XS_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
        default: throw Xapian::InvalidArgumentError("xs_q_combine: unknown operator");
        }
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            v.push_back(subs[i]->q);
        return new_q(Xapian::Query(xop, v.begin(), v.end()), out);
    });
}

extern "C" int xs_q_scale(const xs_q *q, double factor, xs_q **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_q_scale", [&] {
        return new_q(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor), out);
    });
}

extern "C" int xs_q_wildcard(const char *prefix, size_t len, unsigned max_expansion, xs_q **out,
                             ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_q_wildcard", [&] {
        return new_q(Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
                                   max_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                   Xapian::Query::OP_SYNONYM),
                     out);
    });
}

extern "C" void xs_q_free(xs_q *q)
{
    ts_err ignored;
    guard(&ignored, "xs_q_free", [&] {
        delete q;
        return static_cast<int>(TS_OK);
    });
}

// Counts, per facet slot, how many distinct records (key slot) carry each
// value. Xapian calls spies before collapsing, once per matching document,
// so a record with many matching sections would otherwise count many times;
// facet values are per record, so the first document seen speaks for all.
class RecordFacetSpy : public Xapian::MatchSpy
{
  public:
    RecordFacetSpy(Xapian::valueno key, const xs_facet_spec *specs, size_t n)
        : key_(key), specs_(specs, specs + n), counts_(n)
    {
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        calls_++;
        if (!seen_.insert(doc.get_value(key_)).second)
            return;
        for (size_t f = 0; f < specs_.size(); f++) {
            std::string v = doc.get_value(specs_[f].slot);
            if (!specs_[f].sep) {
                if (!v.empty())
                    counts_[f][v]++;
                continue;
            }
            std::unordered_set<std::string> mine; // a list may repeat a value
            size_t start = 0;
            while (start <= v.size()) {
                size_t end = v.find(specs_[f].sep, start);
                if (end == std::string::npos)
                    end = v.size();
                std::string part = v.substr(start, end - start);
                if (!part.empty() && mine.insert(part).second)
                    counts_[f][part]++;
                start = end + 1;
            }
        }
    }
    size_t calls() const
    {
        return calls_;
    }
    size_t records() const
    {
        return seen_.size();
    }
    std::vector<std::pair<std::string, size_t>> sorted(size_t f) const
    {
        std::vector<std::pair<std::string, size_t>> v(counts_[f].begin(), counts_[f].end());
        std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        return v;
    }

  private:
    Xapian::valueno key_;
    size_t calls_ = 0;
    std::vector<xs_facet_spec> specs_;
    std::unordered_set<std::string> seen_;
    std::vector<std::unordered_map<std::string, size_t>> counts_;
};

static void run_search(xs_db *db, const xs_search_opts *o, xs_hits *h)
{
    Xapian::Enquire enq(db->db);
    Xapian::Query q = o->query->q;
    if (o->n_filters) {
        std::vector<Xapian::Query> f;
        for (size_t i = 0; i < o->n_filters; i++)
            f.emplace_back(o->filters[i]);
        q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                          Xapian::Query(Xapian::Query::OP_AND, f.begin(), f.end()));
    }
    enq.set_query(q);
    if (o->collapse_slot >= 0)
        enq.set_collapse_key(static_cast<Xapian::valueno>(o->collapse_slot), 1);
    std::unique_ptr<RecordFacetSpy> spy;
    if (o->n_facets && o->collapse_slot >= 0) {
        spy.reset(new RecordFacetSpy(static_cast<Xapian::valueno>(o->collapse_slot), o->facets,
                                     o->n_facets));
        enq.add_matchspy(spy.get());
    }
    size_t want = o->offset + o->limit;
    Xapian::MSet ms = enq.get_mset(
        static_cast<Xapian::doccount>(o->offset), static_cast<Xapian::doccount>(o->limit),
        static_cast<Xapian::doccount>(std::max(o->check_at_least, want)));
    h->estimated = ms.get_matches_estimated();
    // Exact when every matching document was looked at: the spy saw fewer
    // than the matcher was asked to check (so it ran out of documents), or,
    // without a spy, Xapian's bounds agree.
    size_t checked = std::max(o->check_at_least, want);
    h->exact =
        spy ? spy->calls() < checked : ms.get_matches_lower_bound() == ms.get_matches_upper_bound();
    h->hits.clear();
    for (auto it = ms.begin(); it != ms.end(); ++it) {
        xs_hit hit;
        hit.weight = it.get_weight();
        hit.did = *it;
        if (o->n_value_slots || o->want_data) {
            Xapian::Document d = it.get_document();
            for (size_t k = 0; k < o->n_value_slots; k++)
                hit.values.push_back(d.get_value(o->value_slots[k]));
            if (o->want_data)
                hit.data = d.get_data();
        }
        h->hits.push_back(std::move(hit));
    }
    h->facets.clear();
    for (size_t f = 0; spy && f < o->n_facets; f++)
        h->facets.push_back(spy->sorted(f));
    // Stopped early: the spy counted the records of the documents it saw, a
    // sample; scale the counts up to Xapian's estimate of all matching records
    // (same order, an estimate like the total, which the caller labels).
    if (spy && !h->exact && spy->records() > 0 && h->estimated > spy->records()) {
        double k = static_cast<double>(h->estimated) / static_cast<double>(spy->records());
        for (auto &facet : h->facets)
            for (auto &v : facet)
                v.second = std::min(h->estimated, static_cast<size_t>(v.second * k + 0.5));
    }
    enq.clear_matchspies(); // the spy dies before the Enquire
}

extern "C" int xs_search(xs_db *db, const xs_search_opts *opts, xs_hits **out, ts_err *err)
{
    *out = nullptr;
    return guard(err, "xs_search", [&] {
        std::unique_ptr<xs_hits> h(new xs_hits);
        if (!db->writer)
            refresh(db);
        with_reopen(db, [&] {
            run_search(db, opts, h.get());
            return static_cast<int>(TS_OK);
        });
        *out = h.release();
        return static_cast<int>(TS_OK);
    });
}

extern "C" size_t xs_hits_count(const xs_hits *h)
{
    return h->hits.size();
}

extern "C" size_t xs_hits_estimated(const xs_hits *h)
{
    return h->estimated;
}

extern "C" int xs_hits_exact(const xs_hits *h)
{
    return h->exact;
}

extern "C" double xs_hits_weight(const xs_hits *h, size_t i)
{
    return h->hits[i].weight;
}

extern "C" const char *xs_hits_value(const xs_hits *h, size_t i, size_t k, size_t *len)
{
    const std::string &v = h->hits[i].values[k];
    *len = v.size();
    return v.c_str();
}

extern "C" unsigned xs_hits_docid(const xs_hits *h, size_t i)
{
    return static_cast<unsigned>(h->hits[i].did);
}

extern "C" const char *xs_hits_data(const xs_hits *h, size_t i, size_t *len)
{
    const std::string &d = h->hits[i].data;
    *len = d.size();
    return d.c_str();
}

extern "C" size_t xs_hits_facet_count(const xs_hits *h, size_t f)
{
    return f < h->facets.size() ? h->facets[f].size() : 0;
}

extern "C" const char *xs_hits_facet_value(const xs_hits *h, size_t f, size_t j, size_t *count)
{
    const auto &p = h->facets[f][j];
    *count = p.second;
    return p.first.c_str();
}

extern "C" void xs_hits_free(xs_hits *h)
{
    delete h; // vectors and strings only: cannot throw
}

/* ---- partial updates ---- */

static bool has_prefix(const std::string &t, const char *p)
{
    return t.compare(0, strlen(p), p) == 0;
}

extern "C" int xs_retag(xs_db *db, const char *idterm, size_t idlen, const char *const *drop,
                        size_t n_drop, const char *const *keep, size_t n_keep,
                        const char *const *terms, size_t n_terms, unsigned slot, const char *value,
                        size_t value_len, ts_err *err)
{
    return guard(err, "xs_retag", [&] {
        ensure_txn(db);
        const std::string id(idterm, idlen);
        std::vector<Xapian::docid> ids;
        for (auto it = db->wdb.postlist_begin(id); it != db->wdb.postlist_end(id); ++it)
            ids.push_back(*it);
        for (Xapian::docid did : ids) {
            Xapian::Document doc = db->wdb.get_document(did);
            std::vector<std::string> old;
            for (size_t d = 0; d < n_drop; d++) {
                auto t = doc.termlist_begin();
                t.skip_to(drop[d]);
                for (; t != doc.termlist_end() && has_prefix(*t, drop[d]); ++t) {
                    bool kept = false;
                    for (size_t k = 0; k < n_keep && !kept; k++)
                        kept = has_prefix(*t, keep[k]);
                    if (!kept)
                        old.push_back(*t);
                }
            }
            /* Most desk work leaves a record's tags as they were (a copy goes
             * out while another stays on the shelf): rewriting the document
             * would cost the index a write for nothing. */
            std::vector<std::string> fresh(terms, terms + n_terms);
            std::sort(old.begin(), old.end());
            old.erase(std::unique(old.begin(), old.end()), old.end());
            std::sort(fresh.begin(), fresh.end());
            fresh.erase(std::unique(fresh.begin(), fresh.end()), fresh.end());
            if (old == fresh && doc.get_value(slot) == std::string(value, value_len))
                continue;
            for (const auto &t : old)
                doc.remove_term(t);
            for (const auto &t : fresh)
                doc.add_boolean_term(t);
            doc.add_value(slot, std::string(value, value_len));
            db->wdb.replace_document(did, doc);
        }
        return static_cast<int>(TS_OK);
    });
}
