-- Portfolio chat (spec 3.3): conversations, their messages with the tool calls and results, and
-- one digest a day. Not synced: a conversation is its user's.
CREATE TABLE chat_conversation (
    id TEXT PRIMARY KEY NOT NULL,
    user_email TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX chat_conversation_user_idx ON chat_conversation(user_email, updated_at DESC);

CREATE TABLE chat_message (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES chat_conversation(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content TEXT NOT NULL,
    tool_calls TEXT NOT NULL DEFAULT '[]',
    tool_results TEXT NOT NULL DEFAULT '[]',
    tokens_used INTEGER NOT NULL DEFAULT 0,
    model TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX chat_message_conversation_idx ON chat_message(conversation_id, created_at);

CREATE TABLE daily_digest (
    id TEXT PRIMARY KEY NOT NULL,
    digest_date TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    highlights TEXT NOT NULL DEFAULT '[]',
    metrics TEXT NOT NULL DEFAULT '{}',
    generated_at TEXT NOT NULL
);
