# Correct shape written as nested attrsets: settings.<name>.<path>.<type> = { mode user group age }.
{ config, lib, ... }:

{
  systemd = {
    tmpfiles = {
      settings = {
        "10-kubelet" = {
          "/var/lib/kubelet" = {
            d = { mode = "0750"; user = "root"; group = "root"; };
          };
          "/var/log/pods" = {
            d = { mode = "0755"; user = "root"; group = "root"; age = "7d"; };
          };
        };
      };
    };
  };
}
