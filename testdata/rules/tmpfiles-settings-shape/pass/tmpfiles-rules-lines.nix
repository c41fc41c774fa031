# systemd.tmpfiles.rules takes tmpfiles.d lines; a different option with its own syntax.
{ ... }:

{
  systemd.tmpfiles.rules = [
    "d /var/lib/kubelet 0750 root root -"
    "d /var/lib/etcd 0700 etcd etcd -"
    "L+ /opt/cni/bin - - - - /run/current-system/sw/bin"
  ];
}
