"""Media the bot makes itself: Discord-ready MP4s from what ComfyUI saved, posters, fitting a size limit."""
