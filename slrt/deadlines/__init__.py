"""Working-day deadlines: Indonesian public holidays and joint leave days, plus district days off."""
