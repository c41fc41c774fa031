# An inner `type` overrides the attribute name (nixpkgs: type defaults to the name), so the label `cni-dir` is fine here.
{ ... }:

{
  systemd.tmpfiles.settings."20-flannel" = {
    "/run/flannel".cni-dir = { type = "d"; mode = "0755"; };
    "/etc/cni/net.d/10-flannel.conflist".link = {
      type = "L+";
      argument = "/etc/kube-flannel/cni-conf.json";
    };
  };
}
