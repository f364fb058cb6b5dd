-- A hand-written chat.db as macOS Sierra (10.12) lays it out: dates in whole seconds since
-- 2001-01-01 UTC, text in the text column, no edit/unsend/reply columns. One iMessage chat and
-- one SMS chat. 2016-11-05 20:00:00 UTC is 500068800 seconds after 2001-01-01.

CREATE TABLE handle (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
    service TEXT NOT NULL, uncanonicalized_id TEXT, UNIQUE (id, service));
INSERT INTO handle VALUES (1, '+15551234567', 'us', 'iMessage', NULL),
                          (2, '+15557654321', 'us', 'SMS', '5557654321');

CREATE TABLE chat (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
    state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT,
    room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0,
    last_addressed_handle TEXT, display_name TEXT, group_id TEXT);
INSERT INTO chat (ROWID, guid, style, chat_identifier, service_name, display_name) VALUES
    (1, 'iMessage;-;+15551234567', 45, '+15551234567', 'iMessage', NULL),
    (2, 'SMS;-;+15557654321', 45, '+15557654321', 'SMS', NULL);
CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));
INSERT INTO chat_handle_join VALUES (1, 1), (2, 2);

CREATE TABLE message (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
    replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT,
    country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0,
    service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER,
    date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
    is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0,
    is_empty INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0,
    item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT,
    group_action_type INTEGER DEFAULT 0, associated_message_guid TEXT,
    associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB,
    expressive_send_style_id TEXT);
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER,
                                PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER,
    start_date INTEGER, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER,
    is_outgoing INTEGER, user_info BLOB, transfer_name TEXT, total_bytes INTEGER,
    is_sticker INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER,
                                      UNIQUE(message_id, attachment_id));

INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me,
                     cache_has_attachments, associated_message_guid, associated_message_type)
VALUES
    -- 20:00:00 UTC
    (1, '1C4E1A10-0001-4F00-9000-00000000AAAA', 'Happy Friday!', 1, 'iMessage', 500068800, 0,
     0, NULL, 0),
    -- 20:01:00
    (2, '1C4E1A10-0002-4F00-9000-00000000AAAA', '🎉 finally', 1, 'iMessage', 500068860, 1, 0,
     NULL, 0),
    -- 20:02:00, a laugh at 2
    (3, '1C4E1A10-0003-4F00-9000-00000000AAAA', 'Laughed at “🎉 finally”', 1, 'iMessage',
     500068920, 0, 0, 'p:0/1C4E1A10-0002-4F00-9000-00000000AAAA', 2003),
    -- 20:03:00, a photo
    (4, '1C4E1A10-0004-4F00-9000-00000000AAAA', char(65532), 1, 'iMessage', 500068980, 1, 1,
     NULL, 0),
    -- 20:04:30, two lines
    (5, '1C4E1A10-0005-4F00-9000-00000000AAAA', 'Call me later' || char(10) || 'ok?', 1,
     'iMessage', 500069070, 0, 0, NULL, 0),
    -- 20:05:00, an SMS in another chat
    (6, '1C4E1A10-0006-4F00-9000-00000000AAAA', 'Your code is 123456', 2, 'SMS', 500069100, 0,
     0, NULL, 0);
INSERT INTO attachment (ROWID, guid, filename, mime_type, transfer_name, is_outgoing) VALUES
    (1, 'at_0_1C4E', '~/Library/Messages/Attachments/a1/01/at_0_1C4E/IMG_1234.JPG',
     'image/jpeg', 'IMG_1234.JPG', 1);
INSERT INTO message_attachment_join VALUES (4, 1);
INSERT INTO chat_message_join VALUES (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, 6);
