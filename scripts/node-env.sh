# Puts the project's pinned Node (.nvmrc) first on PATH in the current shell, installing it on
# first use, and points native builds (node-gyp) at its headers, which this machine cannot download
# from nodejs.org:
#   source scripts/node-env.sh
# Then `npm ci` (or `npm rebuild` if node_modules was built by another Node), `npm test`, ...
# `npm` itself stays the one you have; it runs on the Node first on PATH.
_game_events_node=$(bash "$(dirname "${BASH_SOURCE[0]:-$0}")/setup/install-node.sh") || return 1
case ":$PATH:" in
  *":$_game_events_node/bin:"*) ;;
  *) export PATH="$_game_events_node/bin:$PATH" ;;
esac
export npm_config_nodedir="$_game_events_node"
echo "node-env: $(node --version) from $_game_events_node/bin" >&2
unset _game_events_node
