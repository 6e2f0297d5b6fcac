import Foundation

/// The PostgreSQL schema: the same tables, columns and rules as the SQLite store's, numbered migrations applied
/// in order on start (under an advisory lock, so that servers starting together apply each once), recorded in
/// `schema_migration`.
///
/// Column names and meanings match SQLite's one for one (times of rows in seconds, audit times in milliseconds,
/// entry bodies as their canonical JSON), so that `vetter migrate --to` copies rows as they are and every hash
/// stays the same. What SQLite's triggers refuse, PostgreSQL's refuse too.
enum PostgresSchema {
    /// The lock key of migrations (any fixed number; "VETTERMG").
    static let migrationLock: Int64 = 0x5645_5454_4552_4D47
    /// The lock key of the audit chain's head, taken by every transaction that appends ("VETTERCH").
    static let chainLock: Int64 = 0x5645_5454_4552_4348

    static let migrations: [(version: Int, name: String, sql: String)] = [
        (
            1, "list versions, watched parties, alerts, webhooks, keys, re-screens",
            """
            CREATE FUNCTION vetter_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END $$;
            CREATE TABLE list_version (
                id BIGSERIAL PRIMARY KEY,
                source TEXT NOT NULL,
                imported_at DOUBLE PRECISION NOT NULL,
                data_date TEXT,
                file_sha256 TEXT NOT NULL,
                content_sha256 TEXT NOT NULL,
                file_name TEXT NOT NULL,
                format TEXT NOT NULL,
                entry_count BIGINT NOT NULL,
                entry_schema BIGINT NOT NULL DEFAULT 1
            );
            CREATE INDEX list_version_by_source ON list_version (source, id);
            CREATE TABLE entry_blob (
                hash TEXT PRIMARY KEY,
                body BYTEA NOT NULL
            );
            CREATE TABLE version_entry (
                version_id BIGINT NOT NULL REFERENCES list_version (id),
                entry_id TEXT NOT NULL,
                hash TEXT NOT NULL REFERENCES entry_blob (hash),
                PRIMARY KEY (version_id, entry_id)
            );
            CREATE INDEX version_entry_by_entry ON version_entry (entry_id);
            CREATE TRIGGER list_version_immutable BEFORE UPDATE OR DELETE ON list_version
                FOR EACH ROW EXECUTE FUNCTION vetter_refuse('list versions are immutable');
            CREATE TRIGGER version_entry_immutable BEFORE UPDATE OR DELETE ON version_entry
                FOR EACH ROW EXECUTE FUNCTION vetter_refuse('list versions are immutable');
            CREATE TRIGGER entry_blob_immutable BEFORE UPDATE OR DELETE ON entry_blob
                FOR EACH ROW EXECUTE FUNCTION vetter_refuse('stored entries are immutable');
            CREATE TABLE watched_party (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                country TEXT,
                type TEXT,
                address TEXT
            );
            CREATE TABLE watch_hit (
                party_id TEXT NOT NULL REFERENCES watched_party (id) ON DELETE CASCADE,
                source TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                entry_hash TEXT NOT NULL,
                entry_name TEXT NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (party_id, source, entry_id)
            );
            CREATE TABLE alert (
                id BIGSERIAL PRIMARY KEY,
                kind TEXT NOT NULL,
                party_id TEXT NOT NULL,
                party_name TEXT NOT NULL,
                source TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                entry_name TEXT NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            );
            CREATE INDEX alert_by_time ON alert (created_at);
            CREATE TRIGGER alert_append_only BEFORE UPDATE OR DELETE ON alert
                FOR EACH ROW EXECUTE FUNCTION vetter_refuse('alerts are append-only');
            CREATE TABLE webhook (
                id BIGSERIAL PRIMARY KEY,
                url TEXT NOT NULL,
                secret TEXT NOT NULL
            );
            CREATE TABLE outbox (
                id BIGSERIAL PRIMARY KEY,
                webhook_id BIGINT NOT NULL REFERENCES webhook (id),
                alert_id BIGINT NOT NULL REFERENCES alert (id),
                attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at DOUBLE PRECISION NOT NULL,
                delivered_at DOUBLE PRECISION,
                last_error TEXT,
                UNIQUE (webhook_id, alert_id)
            );
            CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
            CREATE TABLE api_key (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                secret_sha256 TEXT NOT NULL UNIQUE,
                created_at DOUBLE PRECISION NOT NULL,
                revoked_at DOUBLE PRECISION
            );
            CREATE TABLE rescreen_job (
                id BIGSERIAL PRIMARY KEY,
                created_at DOUBLE PRECISION NOT NULL,
                version_ids TEXT NOT NULL
            );
            """
        ),
        (
            2, "the system of record: audit chain, cases, web sessions",
            """
            CREATE TABLE audit_record (
                seq BIGINT PRIMARY KEY,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT,
                content_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                parties BYTEA
            );
            CREATE INDEX audit_record_subject ON audit_record (subject, seq);
            CREATE INDEX audit_record_chunk ON audit_record (seq) WHERE kind = 'screenings';
            CREATE FUNCTION vetter_audit_prune_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- Records are never changed, only pruned (body and party hashes removed, hashes kept).
                IF NEW.body IS NULL AND OLD.body IS NOT NULL AND NEW.parties IS NULL AND NEW.seq = OLD.seq
                    AND NEW.at = OLD.at AND NEW.kind = OLD.kind AND NEW.actor = OLD.actor
                    AND NEW.subject = OLD.subject AND NEW.content_hash = OLD.content_hash AND NEW.hash = OLD.hash
                THEN RETURN NEW; END IF;
                RAISE EXCEPTION 'audit records are never changed' USING ERRCODE = 'integrity_constraint_violation';
            END $$;
            CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
                FOR EACH ROW EXECUTE FUNCTION vetter_audit_prune_only();
            CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
                FOR EACH ROW EXECUTE FUNCTION vetter_refuse('audit records are never deleted');
            CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
                FOR EACH STATEMENT EXECUTE FUNCTION vetter_refuse('audit records are never deleted');
            CREATE TABLE review_case (
                id BIGINT PRIMARY KEY,
                party_key TEXT NOT NULL,
                party_name TEXT NOT NULL,
                party_data_hash TEXT NOT NULL,
                source TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                entry_hash TEXT NOT NULL,
                entry_name TEXT NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                state TEXT NOT NULL,
                opened_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (party_key, source, entry_id)
            );
            CREATE INDEX review_case_state ON review_case (state, updated_at);
            CREATE TABLE case_event (
                id BIGSERIAL PRIMARY KEY,
                case_id BIGINT NOT NULL REFERENCES review_case (id),
                at DOUBLE PRECISION NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                reason TEXT,
                note TEXT,
                audit_seq BIGINT NOT NULL
            );
            CREATE INDEX case_event_case ON case_event (case_id, id);
            CREATE TRIGGER case_event_no_update BEFORE UPDATE OR DELETE ON case_event
                FOR EACH ROW EXECUTE FUNCTION vetter_refuse('case decisions are never edited: record a new one');
            CREATE TABLE web_session (
                id_sha256 TEXT PRIMARY KEY,
                key_id BIGINT NOT NULL REFERENCES api_key (id),
                created_at DOUBLE PRECISION NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL,
                closed_at DOUBLE PRECISION
            );
            """
        ),
        (
            3, "ownership versions",
            """
            CREATE TABLE ownership_version (
                id BIGSERIAL PRIMARY KEY,
                imported_at DOUBLE PRECISION NOT NULL,
                file_name TEXT NOT NULL,
                file_sha256 TEXT NOT NULL,
                edge_count BIGINT NOT NULL,
                party_count BIGINT NOT NULL,
                actor TEXT NOT NULL,
                content TEXT NOT NULL
            );
            CREATE TRIGGER ownership_version_immutable BEFORE UPDATE OR DELETE ON ownership_version
                FOR EACH ROW EXECUTE FUNCTION vetter_refuse('ownership versions are immutable');
            CREATE TRIGGER ownership_version_no_truncate BEFORE TRUNCATE ON ownership_version
                FOR EACH STATEMENT EXECUTE FUNCTION vetter_refuse('ownership versions are immutable');
            CREATE TABLE watch_ownership (
                party_id TEXT NOT NULL REFERENCES watched_party (id) ON DELETE CASCADE,
                rule TEXT NOT NULL,
                source TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                entry_name TEXT NOT NULL,
                state TEXT NOT NULL,
                share DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (party_id, rule, source, entry_id)
            );
            """
        ),
    ]

    /// The statements of a script, split at semicolons outside `$$` bodies and quotes: the extended protocol takes
    /// one statement at a time.
    static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false, inQuote = false
        var characters = script.makeIterator()
        var previous: Character = " "
        while let character = characters.next() {
            current.append(character)
            if character == "'" && !inBody { inQuote.toggle() }
            if character == "$" && previous == "$" && !inQuote { inBody.toggle() }
            if character == ";" && !inBody && !inQuote {
                statements.append(String(current.dropLast()))
                current = ""
            }
            previous = character
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
