/** Prints the event contract (wire fields and tables) as markdown, for the README's events section. */
import { contractMarkdown } from "../events/docs";

process.stdout.write(contractMarkdown() + "\n");
