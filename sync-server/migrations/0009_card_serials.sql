-- The serials of the contact cards the server holds, so that the serial-block quota counts the
-- used serials of a device's block by an index range instead of reading every card.
CREATE INDEX records_card_serial ON records (json_extract(state, '$.fields.serial'))
    WHERE kind = 'contact_card';
