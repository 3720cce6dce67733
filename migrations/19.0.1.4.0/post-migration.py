def migrate(cr, version):
    """The record of inactivity logouts becomes the record of every session end: its
    rows are kept, and what it kept of each session becomes a digest from which the
    session cannot be found again (models/idle_user_logout_log.py, `session_hash`)."""
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
        WHERE table_name = 'idle_user_logout_log'
            AND column_name = 'session_identifier'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        UPDATE idle_user_logout_log
        SET session_hash = encode(
            sha256(convert_to('idle_user_logout.log:' || session_identifier, 'UTF8')),
            'hex'
        )
        WHERE session_identifier IS NOT NULL
        """
    )
    cr.execute("ALTER TABLE idle_user_logout_log DROP COLUMN session_identifier")
