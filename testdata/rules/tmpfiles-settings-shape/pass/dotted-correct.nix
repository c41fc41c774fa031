# Correct shape written with dotted paths down to single inner attributes, including the initrd variant.
{ ... }:

{
  systemd.tmpfiles.settings.etcd."/var/lib/etcd".d.mode = "0700";
  systemd.tmpfiles.settings.etcd."/var/lib/etcd".d.user = "etcd";
  systemd.tmpfiles.settings.etcd."/var/lib/etcd".d.group = "etcd";
  systemd.tmpfiles.settings."10-k8s"."/etc/kubernetes/manifests".d = {
    mode = "0755";
  };
  boot.initrd.systemd.tmpfiles.settings."10-k8s-early"."/run/k8s-early".d.mode = "0755";
}
