// `npm run plan -- <command>` in this repository: the `wetrack plan` command run from the sources.
import { main } from './cli';

process.exitCode = main(['plan', ...process.argv.slice(2)]);
