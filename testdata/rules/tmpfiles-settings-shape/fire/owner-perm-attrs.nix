# Inner attributes `owner` and `perm` are not tmpfiles settings (user/group/mode). Findings: line 7 (`owner = "etcd";`), line 9 (`perm = "0700";`).
{ ... }:

{
  systemd.tmpfiles.settings.etcd = {
    "/var/lib/etcd".d = {
      owner = "etcd";
      group = "etcd";
      perm = "0700";
    };
  };
}
