# Type written as a word ("directory", "dir") instead of a tmpfiles.d(5) letter. Findings: line 6 (`"/var/lib/etcd".directory = {`), line 11 (`"/etc/cni/net.d".dir = {`).
{ ... }:

{
  systemd.tmpfiles.settings."20-k8s" = {
    "/var/lib/etcd".directory = {
      mode = "0700";
      user = "etcd";
      group = "etcd";
    };
    "/etc/cni/net.d".dir = {
      mode = "0755";
    };
  };
}
