"""Media the front-end takes in from Discord: files read with a size cap, and message links resolved only
where the member may look. The bytes go to the core (``GivenInput``), which decides what they are."""
