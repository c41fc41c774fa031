# An inner `type` overrides the attribute name (nixpkgs: type defaults to the name), so the label `cni-dir` is fine here,
# also under a path the linter cannot know.
{ config, ... }:

{
  systemd.tmpfiles.settings."20-flannel" = {
    "/run/flannel".cni-dir = { type = "d"; mode = "0755"; };
    "/etc/cni/net.d/10-flannel.conflist".link = {
      type = "L+";
      argument = "/etc/kube-flannel/cni-conf.json";
    };
    "${config.services.flannel.stateDir}/cni".cni-dir = { type = "d"; };
  };
}
