// The annotation core (DESIGN.md §3 Annotation, §6): marginalia.json's data model, schema
// validation, parsing with a last-good store, anchoring, and format-preserving edits.
// No `vscode` / `vscode-languageserver` imports: used by the language server and by the CLI.
export * from "./types";
export * from "./schema";
export * from "./file";
export * from "./anchor";
export * from "./edit";
