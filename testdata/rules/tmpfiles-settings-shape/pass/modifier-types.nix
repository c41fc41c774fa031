# Types with modifiers plus `argument`: "d-", "L+", "f+", "R!", "Z", "e", "x".
{ pkgs, ... }:

{
  systemd.tmpfiles.settings."20-cni" = {
    "/opt/cni/bin"."L+".argument = "${pkgs.cni-plugins}/bin";
    "/etc/cni/net.d"."d-" = { mode = "0755"; };
    "/etc/containerd/certs.d/_default/hosts.toml"."f+" = {
      mode = "0644";
      argument = "server = \"https://registry-1.docker.io\"";
    };
    "/var/lib/cni/networks"."R!" = { };
    "/var/lib/kubelet/pki".Z = { mode = "0600"; user = "root"; };
    "/var/log/pods".e.age = "14d";
    "/var/lib/kubelet/plugins_registry".x = { };
  };
}
