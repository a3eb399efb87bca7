"""Calendars we read busy time from and write appointments into: one Protocol, several backends."""
