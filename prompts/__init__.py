"""Words and question banks, kept as data (TOML and Jinja2). See README.md."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).parent
QUESTIONS_DIR = PROMPTS_DIR / "questions"
MESSAGES_DIR = PROMPTS_DIR / "messages"
PAGES_DIR = PROMPTS_DIR / "pages"
