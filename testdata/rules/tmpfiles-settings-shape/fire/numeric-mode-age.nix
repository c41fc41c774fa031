# Non-string inner values: mode = 0750 (an integer, 750) and age = 10. Findings: line 8 (`mode = 0750;`), line 13 (`age = 10;`).
{ lib, ... }:

{
  systemd.tmpfiles.settings."10-kubelet" = lib.mkMerge [
    {
      "/var/lib/kubelet/pods".d = {
        mode = 0750;
        user = "root";
      };
    }
    {
      "/var/log/pods".e.age = 10;
    }
  ];
}
