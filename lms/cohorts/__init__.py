"""Bimtap and Diklat cohorts: scheduling, enrolment, attendance, microteaching and calendars."""
