-- Every AI call (spec: ARCHITECTURE "AI gateway"): which task, which provider and model, tokens,
-- latency and how it ended, so cost and quality can be audited and screens can label results.
CREATE TABLE ai_run (
    id TEXT PRIMARY KEY NOT NULL,
    task TEXT NOT NULL,
    provider TEXT NOT NULL CHECK (provider IN ('claude', 'offline')),
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    latency_ms INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'fallback')),
    error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX ai_run_created_idx ON ai_run(created_at DESC);
CREATE INDEX ai_run_task_idx ON ai_run(task, created_at DESC);
