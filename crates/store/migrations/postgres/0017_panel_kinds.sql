-- Panel kinds are declared by their modules, not by the schema (PostgreSQL).
-- Mirrors ../sqlite/0017_panel_kinds.sql, which says why.
ALTER TABLE panels DROP CONSTRAINT panels_kind_check;
ALTER TABLE panels ADD CONSTRAINT panels_kind_spelled CHECK (length(kind) BETWEEN 2 AND 24);
UPDATE panels SET catalog = NULL, catalog_at = NULL;
