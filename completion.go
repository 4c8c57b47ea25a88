package main

import (
	"fmt"
	"io"
	"strings"
)

// completion is "ferry completion bash|zsh|fish": a script built from
// the verb and flag tables, so it completes what this ferry accepts.
// Bookmark names come from "ferry bookmarks" when the shell completes.
func (c *cli) completion(args []string) error {
	if len(args) != 1 {
		return usagef("completion takes one shell: bash, zsh or fish")
	}
	switch args[0] {
	case "bash":
		writeBash(c.stdout)
	case "zsh":
		writeZsh(c.stdout)
	case "fish":
		writeFish(c.stdout)
	default:
		return usagef("completion: no script for %q; bash, zsh and fish have one", args[0])
	}
	return nil
}

// completionShells are the shells "ferry completion" writes for.
func completionShells() []string { return []string{"bash", "zsh", "fish"} }

// verbNames lists the verbs in table order.
func verbNames() []string {
	var names []string
	for _, v := range verbTable() {
		names = append(names, v.Name)
	}
	return names
}

// flagWords spells every name of verb's flags, its subcommands' too:
// -b --bookmark --tls ...
func flagWords(verb string) []string {
	var words []string
	fs := flagsOf(verb)
	if v, ok := findVerb(verb); ok {
		for _, sub := range v.Subs {
			fs = append(fs, flagsOf(verb+" "+sub)...)
		}
	}
	for _, f := range fs {
		for _, n := range f.Names {
			words = append(words, flagSpelling(n))
		}
	}
	return append(words, "--help")
}

// verbsWithSubs are the verbs that have subcommands, with them.
func verbsWithSubs() []verbDef {
	var out []verbDef
	for _, v := range verbTable() {
		if len(v.Subs) > 0 {
			out = append(out, v)
		}
	}
	return out
}

// valueFlags groups the spellings of flags that take a value by what is
// offered for it: a list of values, files, bookmarks or nothing.
type valueFlag struct {
	spellings []string
	f         flagDef
}

func valueFlags() []valueFlag {
	var out []valueFlag
	seen := map[string]bool{}
	for _, f := range flagTable() {
		if f.Arg == "" {
			continue
		}
		var sp []string
		for _, n := range f.Names {
			if s := flagSpelling(n); !seen[s] {
				seen[s] = true
				sp = append(sp, s)
			}
		}
		if len(sp) > 0 {
			out = append(out, valueFlag{sp, f})
		}
	}
	return out
}

// verbsWithFileArgs are the verbs whose arguments include local paths.
func verbsWithFileArgs() []string {
	var out []string
	for _, v := range verbTable() {
		if v.Args == completeFiles {
			out = append(out, v.Name)
		}
	}
	return out
}

func writeBash(w io.Writer) {
	var b strings.Builder
	b.WriteString(`# bash completion for ferry. Load it in ~/.bashrc with
#   source <(ferry completion bash)
# or install it with
#   ferry completion bash > ~/.local/share/bash-completion/completions/ferry
_ferry() {
    local cur prev verb i w
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    verb=
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --) break ;;
`)
	var all []string
	for _, vf := range valueFlags() {
		all = append(all, vf.spellings...)
	}
	fmt.Fprintf(&b, "        %s) ((i++)) ;;\n", strings.Join(all, "|"))
	b.WriteString(`        -*) ;;
        *) verb=$w; break ;;
        esac
    done
    local IFS=$'\n'
    case $prev in
`)
	for _, vf := range valueFlags() {
		fmt.Fprintf(&b, "    %s)\n        ", strings.Join(vf.spellings, "|"))
		switch {
		case vf.f.Complete == completeTheme:
			fmt.Fprintf(&b, `COMPREPLY=($(compgen -W '%s'"$(cd "${XDG_CONFIG_HOME:-$HOME/.config}/ferry/themes" 2>/dev/null && for f in *.toml; do [ -e "$f" ] && printf '\n%%s' "${f%%.toml}"; done)" -- "$cur"))`, strings.Join(vf.f.Values, "\n"))
		case len(vf.f.Values) > 0:
			fmt.Fprintf(&b, "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))", strings.Join(vf.f.Values, "\n"))
		case vf.f.Complete == completeFiles:
			b.WriteString(`compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))`)
		case vf.f.Complete == completeBookmark:
			b.WriteString(`COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" bookmarks 2>/dev/null | cut -f1)" -- "$cur"))`)
		default:
			b.WriteString("COMPREPLY=()")
		}
		b.WriteString("\n        return ;;\n")
	}
	b.WriteString(`    esac
    if [[ $cur == -* ]]; then
        case $verb in
`)
	for _, v := range append([]string{""}, verbNames()...) {
		fmt.Fprintf(&b, "        '%s') COMPREPLY=($(compgen -W '%s' -- \"$cur\")) ;;\n", v, strings.Join(flagWords(v), "\n"))
	}
	fmt.Fprintf(&b, `        esac
        return
    fi
    case $verb in
    '' | help) COMPREPLY=($(compgen -W '%s' -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W '%s' -- "$cur")) ;;
%s    %s) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _ferry ferry
`, strings.Join(verbNames(), "\n"), strings.Join(completionShells(), "\n"), bashSubs(), strings.Join(verbsWithFileArgs(), "|"))
	io.WriteString(w, b.String())
}

// bashSubs completes a verb's subcommand right after it, then files.
func bashSubs() string {
	var b strings.Builder
	for _, v := range verbsWithSubs() {
		fmt.Fprintf(&b, "    %s) if [[ $prev == %s ]]; then COMPREPLY=($(compgen -W '%s' -- \"$cur\")); else compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); fi ;;\n",
			v.Name, v.Name, strings.Join(v.Subs, "\n"))
	}
	return b.String()
}

func writeZsh(w io.Writer) {
	var b strings.Builder
	b.WriteString(`#compdef ferry
# zsh completion for ferry. Install it with
#   ferry completion zsh > "${fpath[1]}/_ferry"
# or load it in ~/.zshrc (after compinit) with
#   source <(ferry completion zsh)
_ferry() {
    local -a verbs
    verbs=(
`)
	for _, v := range verbTable() {
		fmt.Fprintf(&b, "        %s\n", zshQuote(v.Name+":"+v.Summary))
	}
	b.WriteString(`    )
    local verb i w
    for ((i = 2; i < CURRENT; i++)); do
        w=${words[i]}
        case $w in
        (--) break ;;
`)
	var all []string
	for _, vf := range valueFlags() {
		all = append(all, vf.spellings...)
	}
	fmt.Fprintf(&b, "        (%s) ((i++)) ;;\n", strings.Join(all, "|"))
	b.WriteString(`        (-*) ;;
        (*) verb=$w; break ;;
        esac
    done
    case ${words[CURRENT-1]} in
`)
	for _, vf := range valueFlags() {
		fmt.Fprintf(&b, "    (%s) ", strings.Join(vf.spellings, "|"))
		switch {
		case vf.f.Complete == completeTheme:
			fmt.Fprintf(&b, `local -a mine; mine=(${XDG_CONFIG_HOME:-$HOME/.config}/ferry/themes/*.toml(N:t:r)); compadd -- %s $mine`, strings.Join(vf.f.Values, " "))
		case len(vf.f.Values) > 0:
			fmt.Fprintf(&b, "compadd -- %s", strings.Join(vf.f.Values, " "))
		case vf.f.Complete == completeFiles:
			b.WriteString("_files")
		case vf.f.Complete == completeBookmark:
			b.WriteString(`compadd -- ${(f)"$(${words[1]} bookmarks 2>/dev/null | cut -f1)"}`)
		default:
			b.WriteString("_message " + zshQuote(strings.ToLower(vf.f.Arg)))
		}
		b.WriteString("; return ;;\n")
	}
	b.WriteString(`    esac
    if [[ ${words[CURRENT]} == -* ]]; then
        case $verb in
`)
	for _, v := range append([]string{""}, verbNames()...) {
		fmt.Fprintf(&b, "        (%s) compadd -- %s ;;\n", zshQuote(v), strings.Join(flagWords(v), " "))
	}
	fmt.Fprintf(&b, `        esac
        return
    fi
    case $verb in
    ('' | help) _describe verb verbs ;;
    (completion) compadd -- %s ;;
%s    (%s) _files ;;
    esac
}
if [[ $funcstack[1] == _ferry ]]; then
    _ferry "$@"
else
    compdef _ferry ferry
fi
`, strings.Join(completionShells(), " "), zshSubs(), strings.Join(verbsWithFileArgs(), "|"))
	io.WriteString(w, b.String())
}

// zshSubs completes a verb's subcommand right after it, then files.
func zshSubs() string {
	var b strings.Builder
	for _, v := range verbsWithSubs() {
		fmt.Fprintf(&b, "    (%s) if [[ ${words[CURRENT-1]} == %s ]]; then compadd -- %s; else _files; fi ;;\n", v.Name, v.Name, strings.Join(v.Subs, " "))
	}
	return b.String()
}

func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func writeFish(w io.Writer) {
	var b strings.Builder
	b.WriteString(`# fish completion for ferry. Install it with
#   ferry completion fish > ~/.config/fish/completions/ferry.fish
complete -c ferry -f
`)
	for _, v := range verbTable() {
		fmt.Fprintf(&b, "complete -c ferry -n __fish_use_subcommand -a %s -d %s\n", v.Name, fishQuote(v.Summary))
	}
	fmt.Fprintf(&b, "complete -c ferry -n '__fish_seen_subcommand_from help' -a %s\n", fishQuote(strings.Join(verbNames(), " ")))
	fmt.Fprintf(&b, "complete -c ferry -n '__fish_seen_subcommand_from completion' -a %s\n", fishQuote(strings.Join(completionShells(), " ")))
	fmt.Fprintf(&b, "complete -c ferry -n '__fish_seen_subcommand_from %s' -F\n", strings.Join(verbsWithFileArgs(), " "))
	for _, v := range verbsWithSubs() {
		subs := strings.Join(v.Subs, " ")
		fmt.Fprintf(&b, "complete -c ferry -n '__fish_seen_subcommand_from %s; and not __fish_seen_subcommand_from %s' -a %s\n", v.Name, subs, fishQuote(subs))
	}
	for _, f := range flagTable() {
		var cond []string
		for _, v := range f.Verbs {
			if v == "" {
				cond = append(cond, "__fish_use_subcommand")
			}
		}
		var named []string
		for _, v := range f.Verbs {
			if v != "" {
				first, _, _ := strings.Cut(v, " ") // a subcommand's flags: after its verb
				named = append(named, first)
			}
		}
		if len(named) > 0 {
			cond = append(cond, "__fish_seen_subcommand_from "+strings.Join(named, " "))
		}
		line := "complete -c ferry -n " + fishQuote(strings.Join(cond, "; or "))
		for _, n := range f.Names {
			if len(n) == 1 {
				line += " -s " + n
			} else {
				line += " -l " + n
			}
		}
		switch {
		case f.Arg == "":
		case f.Complete == completeTheme:
			line += " -x -a " + fishQuote(strings.Join(f.Values, " ")+
				" (for f in (set -q XDG_CONFIG_HOME; and echo $XDG_CONFIG_HOME; or echo $HOME/.config)/ferry/themes/*.toml; basename $f .toml; end)")
		case len(f.Values) > 0:
			line += " -x -a " + fishQuote(strings.Join(f.Values, " "))
		case f.Complete == completeFiles:
			line += " -r -F"
		case f.Complete == completeBookmark:
			line += ` -x -a '(ferry bookmarks 2>/dev/null | string replace -r "\t.*" "")'`
		default:
			line += " -x"
		}
		b.WriteString(line + " -d " + fishQuote(firstClause(f.Help)) + "\n")
	}
	io.WriteString(w, b.String())
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// firstClause shortens a flag's help for a one-line description.
func firstClause(s string) string {
	if i := strings.IndexAny(s, ":;("); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
