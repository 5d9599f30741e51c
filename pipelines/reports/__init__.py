"""Stage 3: report files (PDF, CSV, JSON twin) from the report documents."""
