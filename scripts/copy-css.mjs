// Copies the UI kit's stylesheet next to its build (`socketkit/ui/styles.css`).
import { copyFileSync, mkdirSync } from 'node:fs';
mkdirSync('dist/ui', { recursive: true });
copyFileSync('src/ui/styles.css', 'dist/ui/styles.css');
