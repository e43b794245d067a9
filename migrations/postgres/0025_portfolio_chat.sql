-- Portfolio chat (spec 3.3): conversations, their messages with the tool calls and results, and
-- one digest a day. Not synced: a conversation is its user's.
CREATE TABLE chat_conversation (
    id UUID PRIMARY KEY,
    user_email VARCHAR(254) NOT NULL,
    title VARCHAR(200) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_conversation_user_idx ON chat_conversation(user_email, updated_at DESC);

CREATE TABLE chat_message (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES chat_conversation(id) ON DELETE CASCADE,
    role VARCHAR(20) NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content TEXT NOT NULL,
    tool_calls JSONB NOT NULL DEFAULT '[]',
    tool_results JSONB NOT NULL DEFAULT '[]',
    tokens_used INTEGER NOT NULL DEFAULT 0,
    model VARCHAR(50) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_message_conversation_idx ON chat_message(conversation_id, created_at);

CREATE TABLE daily_digest (
    id UUID PRIMARY KEY,
    digest_date DATE NOT NULL UNIQUE,
    content TEXT NOT NULL,
    highlights JSONB NOT NULL DEFAULT '[]',
    metrics JSONB NOT NULL DEFAULT '{}',
    generated_at TIMESTAMPTZ NOT NULL
);
