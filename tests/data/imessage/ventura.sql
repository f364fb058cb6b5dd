-- A hand-written chat.db as macOS Ventura/Sequoia lays it out (only the columns pushpull reads,
-- plus a few neighbours). Built by the tests with sqlite3; archive(text) is registered there as
-- the NSArchiver writer (it matches a blob from a real Mac byte for byte, see the tests).
-- Dates: nanoseconds since 2001-01-01 UTC; ns('YYYY-MM-DD HH:MM:SS') is registered by the tests
-- too (UTC wall time to Apple nanoseconds).
-- Three chats: 1:1 with +15551234567, 1:1 with sam@example.com, and the group "Weekend plans".

CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
INSERT INTO _SqliteDatabaseProperties VALUES ('_ClientVersion', '18026');

CREATE TABLE handle (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
    service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT,
    UNIQUE (id, service));
INSERT INTO handle (ROWID, id, country, service) VALUES
    (1, '+15551234567', 'us', 'iMessage'),
    (2, 'sam@example.com', 'us', 'iMessage'),
    (3, '+447700900123', 'gb', 'iMessage');

CREATE TABLE chat (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
    state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT,
    room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0,
    last_addressed_handle TEXT, display_name TEXT, group_id TEXT);
INSERT INTO chat (ROWID, guid, style, chat_identifier, service_name, display_name) VALUES
    (1, 'iMessage;-;+15551234567', 45, '+15551234567', 'iMessage', ''),
    (2, 'iMessage;-;sam@example.com', 45, 'sam@example.com', 'iMessage', NULL),
    (3, 'iMessage;+;chat493029384756', 43, 'chat493029384756', 'iMessage', 'Weekend plans');

CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));
INSERT INTO chat_handle_join VALUES (1, 1), (2, 2), (3, 1), (3, 2), (3, 3);

CREATE TABLE message (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
    replace INTEGER DEFAULT 0, handle_id INTEGER DEFAULT 0, subject TEXT,
    attributedBody BLOB, type INTEGER DEFAULT 0, service TEXT DEFAULT 'iMessage',
    date INTEGER, date_read INTEGER, date_delivered INTEGER, is_from_me INTEGER DEFAULT 0,
    is_read INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0,
    is_audio_message INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0,
    other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0,
    share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0,
    associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0,
    balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT,
    message_summary_info BLOB, reply_to_guid TEXT, thread_originator_guid TEXT,
    thread_originator_part TEXT, date_retracted INTEGER DEFAULT 0,
    date_edited INTEGER DEFAULT 0, part_count INTEGER, associated_message_emoji TEXT);

CREATE TABLE chat_message_join (
    chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0,
    PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER,
    filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0,
    is_outgoing INTEGER DEFAULT 0, transfer_name TEXT, total_bytes INTEGER DEFAULT 0,
    is_sticker INTEGER DEFAULT 0, hide_attachment INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (
    message_id INTEGER, attachment_id INTEGER, UNIQUE(message_id, attachment_id));

-- Chat 1 -------------------------------------------------------------------------------------
-- 1: plain text, received.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (1, 'A0000001-0000-4000-8000-000000000001', 'Hey! Are we still on for tonight?', 1,
     ns('2024-03-09 18:30:00'), 0);
-- 2: mine, text only in attributedBody, two lines with an emoji.
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me) VALUES
    (2, 'A0000002-0000-4000-8000-000000000002', NULL,
     archive('Yes 😊' || char(10) || 'see you at 8'), 1, ns('2024-03-09 18:31:05'), 1);
-- 3: a heart tapback on 2.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, associated_message_guid,
                     associated_message_type) VALUES
    (3, 'A0000003-0000-4000-8000-000000000003', 'Loved “Yes 😊 see you at 8”', 1,
     ns('2024-03-09 18:31:40'), 0, 'p:0/A0000002-0000-4000-8000-000000000002', 2000);
-- 4: mine, a photo with a caption.
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me,
                     cache_has_attachments) VALUES
    (4, 'A0000004-0000-4000-8000-000000000004', char(65532) || 'the view from here',
     archive(char(65532) || 'the view from here'), 1, ns('2024-03-09 18:32:00'), 1, 1);
INSERT INTO attachment (ROWID, guid, filename, uti, mime_type, transfer_name, is_outgoing) VALUES
    (1, 'at_0_B0000001', '~/Library/Messages/Attachments/3f/15/B0000001/IMG_0042.HEIC',
     'public.heic', 'image/heic', 'IMG_0042.HEIC', 1);
INSERT INTO message_attachment_join VALUES (4, 1);
-- 5: a sticker (no transfer_name: the name comes from the file path).
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, cache_has_attachments)
    VALUES (5, 'A0000005-0000-4000-8000-000000000005', char(65532), 1,
            ns('2024-03-09 18:33:00'), 0, 1);
INSERT INTO attachment (ROWID, guid, filename, uti, mime_type, transfer_name, is_sticker) VALUES
    (2, 'at_0_B0000002', '~/Library/Messages/StickerCache/8a/B0000002/sticker.png',
     'public.png', 'image/png', NULL, 1);
INSERT INTO message_attachment_join VALUES (5, 2);
-- 6: mine, unsent.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, date_edited,
                     date_retracted) VALUES
    (6, 'A0000006-0000-4000-8000-000000000006', NULL, 1, ns('2024-03-09 18:34:00'), 1,
     ns('2024-03-09 18:35:10'), ns('2024-03-09 18:35:10'));
-- 7: edited.
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me,
                     date_edited) VALUES
    (7, 'A0000007-0000-4000-8000-000000000007', 'running 10 min late, sorry',
     archive('running 10 min late, sorry'), 1, ns('2024-03-09 18:35:00'), 0,
     ns('2024-03-09 18:35:30'));
-- 8: mine, a reply to 7.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, thread_originator_guid,
                     thread_originator_part) VALUES
    (8, 'A0000008-0000-4000-8000-000000000008', 'no rush', 1, ns('2024-03-09 18:36:00'), 1,
     'A0000007-0000-4000-8000-000000000007', '0:0:26');
-- 9: "Send My Current Location": a .loc.vcf attachment.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, cache_has_attachments)
    VALUES (9, 'A0000009-0000-4000-8000-000000000009', char(65532), 1,
            ns('2024-03-09 18:37:00'), 0, 1);
INSERT INTO attachment (ROWID, guid, filename, uti, mime_type, transfer_name) VALUES
    (3, 'at_0_B0000003', '~/Library/Messages/Attachments/0c/12/B0000003/CL.loc.vcf',
     'public.vlocation', 'text/x-vlocation', 'CL.loc.vcf');
INSERT INTO message_attachment_join VALUES (9, 3);
-- 10: mine, a maps link with a link preview.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, balloon_bundle_id) VALUES
    (10, 'A0000010-0000-4000-8000-000000000010',
     'https://maps.apple.com/?ll=40.748400,-73.985700&q=Dropped%20Pin', 1,
     ns('2024-03-09 18:38:00'), 1, 'com.apple.messages.URLBalloonProvider');
-- 11: the heart on 2 taken back.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, associated_message_guid,
                     associated_message_type) VALUES
    (11, 'A0000011-0000-4000-8000-000000000011', 'Removed a heart from “Yes 😊 see you at 8”',
     1, ns('2024-03-09 18:39:00'), 0, 'p:0/A0000002-0000-4000-8000-000000000002', 3000);
-- 12: an emoji tapback (Sequoia) on the photo of 4.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, associated_message_guid,
                     associated_message_type, associated_message_emoji) VALUES
    (12, 'A0000012-0000-4000-8000-000000000012', 'Reacted 🔥 to an image', 1,
     ns('2024-03-09 18:40:00'), 0, 'bp:A0000004-0000-4000-8000-000000000004', 2006, '🔥');
-- 13: mine, the attributedBody of a real Mac (text "Fesker"), text column empty.
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me) VALUES
    (13, 'A0000013-0000-4000-8000-000000000013', NULL,
     X'040B73747265616D747970656481E803840140848484124E5341747472696275746564537472696E67008484084E534F626A656374008592848484084E53537472696E67019484012B064665736B657286840269490106928484840C4E5344696374696F6E617279009484016901928496961D5F5F6B494D4D657373616765506172744174747269627574654E616D658692848484084E534E756D626572008484074E5356616C7565009484012A84999900868686',
     1, ns('2024-03-09 18:41:00'), 1);
-- 14: a damaged attributedBody: it ends inside the text (a warning; the message is kept).
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me) VALUES
    (14, 'A0000014-0000-4000-8000-000000000014', NULL,
     X'040B73747265616D747970656481E803840140848484124E5341747472696275746564537472696E67008484084E534F626A656374008592848484084E53537472696E67019484012B062048656C',
     1, ns('2024-03-09 18:42:00'), 0);
-- 15: right-to-left text.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (15, 'A0000015-0000-4000-8000-000000000015', 'مرحبا! שלום 👋', 1,
     ns('2024-03-09 18:43:00'), 0);
-- 16: mine, a handwritten message (an iMessage app bubble, no text of its own).
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, balloon_bundle_id) VALUES
    (16, 'A0000016-0000-4000-8000-000000000016', char(65533), 1, ns('2024-03-09 18:44:00'), 1,
     'com.apple.Handwriting.HandwritingProvider');
-- 17-21: the other five tapbacks.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, associated_message_guid,
                     associated_message_type) VALUES
    (17, 'A0000017-0000-4000-8000-000000000017', 'Liked “no rush”', 1,
     ns('2024-03-09 18:45:00'), 1, 'p:0/A0000008-0000-4000-8000-000000000008', 2001),
    (18, 'A0000018-0000-4000-8000-000000000018', 'Laughed at “no rush”', 1,
     ns('2024-03-09 18:45:10'), 0, 'p:0/A0000008-0000-4000-8000-000000000008', 2003),
    (19, 'A0000019-0000-4000-8000-000000000019', 'Emphasized “no rush”', 1,
     ns('2024-03-09 18:45:20'), 0, 'p:0/A0000008-0000-4000-8000-000000000008', 2004),
    (20, 'A0000020-0000-4000-8000-000000000020', 'Questioned “running 10 min late, sorry”', 1,
     ns('2024-03-09 18:45:30'), 1, 'p:0/A0000007-0000-4000-8000-000000000007', 2005),
    (21, 'A0000021-0000-4000-8000-000000000021', 'Disliked “no rush”', 1,
     ns('2024-03-09 18:45:40'), 0, 'p:0/A0000008-0000-4000-8000-000000000008', 2002);

-- Chat 2 -------------------------------------------------------------------------------------
-- 22: received from an e-mail handle.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (22, 'A0000022-0000-4000-8000-000000000022', 'Morning ☀️', 2, ns('2024-03-10 09:00:00'), 0);
-- 23: mine, an audio message.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, cache_has_attachments,
                     is_audio_message) VALUES
    (23, 'A0000023-0000-4000-8000-000000000023', char(65532), 2, ns('2024-03-10 09:05:00'), 1,
     1, 1);
INSERT INTO attachment (ROWID, guid, filename, uti, mime_type, transfer_name, is_outgoing) VALUES
    (4, 'at_0_B0000004', '~/Library/Messages/Attachments/5d/04/B0000004/Audio Message.caf',
     'com.apple.coreaudio-format', 'audio/x-caf', 'Audio Message.caf', 1);
INSERT INTO message_attachment_join VALUES (23, 4);

-- Chat 3: the group ---------------------------------------------------------------------------
-- 24: I named it.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, item_type, group_title)
    VALUES (24, 'A0000024-0000-4000-8000-000000000024', NULL, 0, ns('2024-03-11 12:00:00'), 1,
            2, 'Weekend plans');
-- 25: I added +447700900123.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, item_type,
                     group_action_type, other_handle) VALUES
    (25, 'A0000025-0000-4000-8000-000000000025', NULL, 0, ns('2024-03-11 12:01:00'), 1, 1, 0, 3);
-- 26: they said thanks.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (26, 'A0000026-0000-4000-8000-000000000026', 'thanks for adding me!', 3,
     ns('2024-03-11 12:02:00'), 0);
-- 27: sam changed the group photo.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, item_type,
                     group_action_type) VALUES
    (27, 'A0000027-0000-4000-8000-000000000027', NULL, 2, ns('2024-03-11 12:03:00'), 0, 3, 1);
-- 28: +15551234567 started sharing location.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, item_type, share_status)
    VALUES (28, 'A0000028-0000-4000-8000-000000000028', NULL, 1, ns('2024-03-11 12:04:00'), 0,
            4, 0);
-- 29: +447700900123 left.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, item_type,
                     group_action_type) VALUES
    (29, 'A0000029-0000-4000-8000-000000000029', NULL, 3, ns('2024-03-11 12:05:00'), 0, 3, 0);
-- 30: a three-line plan, only in attributedBody.
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me) VALUES
    (30, 'A0000030-0000-4000-8000-000000000030', NULL,
     archive('Plan:' || char(10) || '1. hike' || char(10) || '2. lunch'), 1,
     ns('2024-03-11 12:06:00'), 0);
-- 31: I kept an audio message.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, item_type) VALUES
    (31, 'A0000031-0000-4000-8000-000000000031', NULL, 0, ns('2024-03-11 12:07:00'), 1, 5);

-- Odd rows ------------------------------------------------------------------------------------
-- 32: in no chat (its chat was deleted).
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (32, 'A0000032-0000-4000-8000-000000000032', 'orphan', 1, ns('2024-03-12 08:00:00'), 0);
-- 33: bytes that are not UTF-8 in the text column.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (33, 'A0000033-0000-4000-8000-000000000033', CAST(X'48656CFF6C6F' AS TEXT), 2,
     ns('2024-03-12 08:01:00'), 0);
-- 34: synced late: the last row, but the first message.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (34, 'A0000034-0000-4000-8000-000000000034', 'sent from my watch', 1,
     ns('2024-03-09 18:29:00'), 0);

INSERT INTO chat_message_join (chat_id, message_id) VALUES
    (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (1, 9), (1, 10), (1, 11),
    (1, 12), (1, 13), (1, 14), (1, 15), (1, 16), (1, 17), (1, 18), (1, 19), (1, 20), (1, 21),
    (2, 22), (2, 23),
    (3, 24), (3, 25), (3, 26), (3, 27), (3, 28), (3, 29), (3, 30), (3, 31),
    (2, 33), (1, 34);
CREATE INDEX chat_message_join_idx_message_id_only ON chat_message_join(message_id);
