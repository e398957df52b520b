# Sourced by every test script (lib.sh sources it for the integration suites): when `set -e` ends a
# script because a command failed, say which command, where, through which functions and with what
# exit status, rather than dying silently (issue 17, item 18: a suite under a loaded machine ended
# mid-way with no reason printed). On stderr as the script started with it, so a redirection of
# the failing command or function does not swallow the report. See TESTING.md, "When a suite dies".

set -E  # the ERR trap reaches functions, command substitutions and subshells

exec {ERR_TRAP_FD}>&2

# err_trap_report STATUS LINE COMMAND: the ERR trap's body. Bash runs the trap for every failing
# command that set -e would act on, and also inside command substitutions, where set -e is off and
# the script goes on (`$-` has no `e` there): those stay quiet.
err_trap_report() {
  local status=$1 line=$2 command=$3
  [[ $- == *e* ]] || return 0
  local where="${BASH_SOURCE[1]}:$line" i
  [ "${#FUNCNAME[@]}" -gt 2 ] && where+=" in ${FUNCNAME[1]}()"
  {
    echo "error: \`$command\` failed with exit status $status at $where"
    # A function that returned non-zero is reported at its call, as `return N`: show the call.
    local text
    text=$(sed -n "${line}{s/^[[:space:]]*//;p;q}" "${BASH_SOURCE[1]}" 2>/dev/null) || text=""
    [ -z "$text" ] || [ "$text" = "$command" ] || echo "  the line: $text"
    # Frame i ran FUNCNAME[i], called from BASH_SOURCE[i+1] at line BASH_LINENO[i].
    for ((i = 1; i < ${#FUNCNAME[@]} - 1; i++)); do
      local called="  ${FUNCNAME[i]}() was called at ${BASH_SOURCE[i + 1]}:${BASH_LINENO[i]}"
      [ "${FUNCNAME[i + 1]}" = main ] || called+=" in ${FUNCNAME[i + 1]}()"
      echo "$called"
    done
    [ "$BASH_SUBSHELL" -eq 0 ] || echo "  (in a subshell, level $BASH_SUBSHELL)"
  } >&"$ERR_TRAP_FD"
}
trap 'err_trap_report $? $LINENO "$BASH_COMMAND"' ERR
