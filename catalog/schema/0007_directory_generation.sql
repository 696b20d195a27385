-- 0007_directory_generation.sql: a number that grows with every change to
-- what the server's directory cache holds (server/dircache.c): API tokens,
-- accounts and the libraries they work for, the library list, reader names.
-- The cache answers "who is asking" without a read transaction and is
-- dropped when the number moves; triggers keep it moving whatever program
-- writes the tables. A token's last_used and an account's password hash are
-- left out: the cache does not hold them, and last_used moves every minute.
CREATE TABLE directory_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO directory_generation(id, n) VALUES (1, 0);

CREATE TRIGGER dir_token_update AFTER UPDATE OF token_hash, account_id, expires, revoked
    ON api_token BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_token_delete AFTER DELETE ON api_token
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_account_insert AFTER INSERT ON account
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_account_update AFTER UPDATE OF id, login, name, role, reader_id, active
    ON account BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_account_delete AFTER DELETE ON account
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_account_library_insert AFTER INSERT ON account_library
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_account_library_update AFTER UPDATE ON account_library
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_account_library_delete AFTER DELETE ON account_library
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_library_insert AFTER INSERT ON library
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_library_update AFTER UPDATE ON library
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_library_delete AFTER DELETE ON library
    BEGIN UPDATE directory_generation SET n = n + 1; END;
CREATE TRIGGER dir_reader_name AFTER UPDATE OF name ON reader WHEN OLD.name IS NOT NEW.name
    BEGIN UPDATE directory_generation SET n = n + 1; END;
