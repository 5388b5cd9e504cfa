"""Pure values and rules: recordings, exercises as data, adherence and progression."""
