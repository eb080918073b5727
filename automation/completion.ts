import type { Command, Option } from "commander";

/** One command as completion sees it. */
export interface CompletionModel {
  name: string;
  summary: string;
  /** Whether the first argument is an environment name. */
  takesEnvironment: boolean;
  /** Fixed values of the first argument, if it declares them (e.g. bash, zsh). */
  argumentValues?: string[];
  options: {
    flags: string[];
    description: string;
    takesValue: boolean;
    values?: string[];
    file?: boolean;
  }[];
}

/**
 * The completion model of a commander program: its commands, their options, which options take a
 * value (files for `--*-file`, `--out` and `--deployed`; fixed choices where the option declares
 * them). Generated from the program itself, so completion can never drift from the CLI.
 */
export function completionModel(program: Command): CompletionModel[] {
  return program.commands
    .filter((c) => c.name() !== "help" && c.name() !== "__environments")
    .map((c) => ({
      name: c.name(),
      summary: c.summary() || c.description().split(".")[0],
      takesEnvironment: c.registeredArguments[0]?.name() === "env",
      argumentValues: c.registeredArguments[0]?.argChoices,
      options: [...c.options, helpOption()].map((o: Option) => ({
        flags: [o.long, o.short].filter((f): f is string => Boolean(f)),
        description: o.description,
        takesValue: o.required || o.optional,
        values: o.argChoices,
        file: /file|--out|--deployed|--state|--sarif/.test(o.long ?? ""),
      })),
    }));
}

function helpOption(): Option {
  return {
    long: "--help",
    short: "-h",
    description: "display help for command",
    required: false,
    optional: false,
  } as Option;
}

/** A bash completion script for `aa`. Environments come from `aa __environments`. */
export function bashCompletion(model: CompletionModel[]): string {
  const cases = model
    .map((c) => {
      const flags = c.options.flatMap((o) => o.flags).join(" ");
      const valued = c.options.filter((o) => o.takesValue);
      const values = valued
        .map((o) => {
          const words = o.values
            ? `compgen -W ${sh(o.values.join(" "))} -- "$cur"`
            : o.file
              ? 'compgen -f -- "$cur"'
              : "";
          return words
            ? `        ${o.flags.join("|")}) COMPREPLY=( $(${words}) ); return ;;`
            : `        ${o.flags.join("|")}) return ;;`;
        })
        .join("\n");
      return [
        `    ${c.name})`,
        `      case "$prev" in`,
        values,
        "      esac",
        `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W ${sh(flags)} -- "$cur") ); return; fi`,
        c.takesEnvironment
          ? '      COMPREPLY=( $(compgen -W "$(aa __environments 2>/dev/null)" -- "$cur") )'
          : c.argumentValues
            ? `      COMPREPLY=( $(compgen -W ${sh(c.argumentValues.join(" "))} -- "$cur") )`
            : "      :",
        "      ;;",
      ].join("\n");
    })
    .join("\n");
  return `# bash completion for aa (active-active). Load it with:
#   source <(aa completion bash)        # or save it to /etc/bash_completion.d/aa
_aa() {
  local cur prev
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W ${sh(["help", "--help", "--version", ...model.map((c) => c.name)].join(" "))} -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
}
complete -F _aa aa
`;
}

/** A zsh completion script for `aa` (native `_arguments`, no bashcompinit needed). */
export function zshCompletion(model: CompletionModel[]): string {
  const commands = model
    .map((c) => `    ${sh(`${c.name}:${c.summary.replace(/:/g, "\\:")}`)}`)
    .join("\n");
  const cases = model
    .map((c) => {
      const specs = c.options
        .map((o) => {
          const desc = o.description.replace(/[[\]:']/g, " ");
          const action = o.takesValue
            ? o.values
              ? `:value:(${o.values.join(" ")})`
              : o.file
                ? ":file:_files"
                : ":value:"
            : "";
          const names =
            o.flags.length > 1 ? `(${o.flags.join(" ")})'{${o.flags.join(",")}}'` : o.flags[0];
          return `        '${names}[${desc}]${action}'`;
        })
        .join(" \\\n");
      const env = c.takesEnvironment
        ? ` \\\n        '1:environment:_aa_environments'`
        : c.argumentValues
          ? ` \\\n        '1:value:(${c.argumentValues.join(" ")})'`
          : "";
      return `    ${c.name})\n      _arguments -s \\\n${specs}${env} \\\n        '*::args:'\n      ;;`;
    })
    .join("\n");
  return `#compdef aa
# zsh completion for aa (active-active). Load it with:
#   source <(aa completion zsh)          # or save it as _aa in a directory on $fpath
_aa_environments() {
  local -a envs
  envs=(\${(f)"$(aa __environments 2>/dev/null)"})
  _describe 'environment' envs
}
_aa() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases}
  esac
}
compdef _aa aa
`;
}

/** Single-quotes a word for a shell script. */
function sh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
